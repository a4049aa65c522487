# PUSHF with a 16-bit operand (66 9C) under a hypervisor step.
# rule: TfEngine.PushfImageRepairedOnlyWhenGuestTfClear (16-bit image)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushf
        pop ax
        mov word ptr [DATA], ax
        guest_exit 0
