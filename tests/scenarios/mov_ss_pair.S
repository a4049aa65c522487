# MOV SS and the next instruction are one step.
# rule: TfEngine.MovSsPairIsOneStep
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov ax, ss
        mov ss, ax
        mov rbx, 5
        nop
        guest_exit 0
