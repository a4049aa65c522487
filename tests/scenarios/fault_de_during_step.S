# A #DE (DIV by zero) during a step.
# rule: TfEngine.FaultDuringStepIsReinjected
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + after]
        mov qword ptr [FAULT_RESUME], rax
        xor edx, edx
        mov eax, 10
        xor ecx, ecx
        div ecx
after:
        mov rdx, 3
        guest_exit 0
