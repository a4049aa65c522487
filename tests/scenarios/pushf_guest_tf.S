# PUSHFQ while the guest owns TF: the image keeps the guest's TF=1.
# rule: TfEngine.PushfImageRepairedOnlyWhenGuestTfClear (guest TF kept)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        pushfq
        pop rax
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        mov qword ptr [DATA], rax
        guest_exit 0
