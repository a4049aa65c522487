# POPF clearing TF still traps after itself (TF was 1 when it began).
# rule: TfOwnership.PopfLoadingZeroGivesGuestZero, TfEngine.PopfClearingTfStillTraps
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        popfq
        mov rax, 1
        guest_exit 0
