# MOV SS with an illegal selector: #GP(selector) during a step.
# rule: TfEngine.FaultDuringStepIsReinjected (error code)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + after]
        mov qword ptr [FAULT_RESUME], rax
        mov ax, 0x18
        mov ss, ax
after:
        nop
        guest_exit 0
