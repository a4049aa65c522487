# POPF setting TF: no trap after the POPF itself, the first trap after the next instruction.
# rule: TfOwnership.PopfLoadingOneGivesGuestOne, TfEngine.PopfSettingTfTrapsAfterNext
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        mov rax, 1
        popfq
        mov rbx, 2
        guest_exit 0
