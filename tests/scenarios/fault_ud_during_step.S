# UD2 during a step.
# rule: TfEngine.FaultDuringStepIsReinjected
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + after]
        mov qword ptr [FAULT_RESUME], rax
        ud2
after:
        nop
        guest_exit 0
