# A #PF during a step (an access outside RAM): under MTF the step ends at the handler; under TF it is intercepted and re-injected with CR2.
# rule: TfEngine.FaultDuringStepIsReinjected, MtfEngine.MtfStepIntoEndsAtHandler
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + after]
        mov qword ptr [FAULT_RESUME], rax
        mov rbx, 0x7000000
        mov rcx, qword ptr [rbx]
after:
        mov rdx, 3
        guest_exit 0
