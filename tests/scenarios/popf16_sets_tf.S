# POPF with a 16-bit operand (66 9D) loading TF=1, then clearing it.
# rule: TfOwnership.PopfLoadingOneGivesGuestOne (16-bit form)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        pushf
        or word ptr [rsp], 0x100
        popf
        nop
        popfq
        nop
        guest_exit 0
