# INT n during a step: entered without the stepper's TF.
# rule: TfEngine.IntNIsEnteredWithoutHvstepTf
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, 1
        int 0x40
        mov rbx, 2
        guest_exit 0
