# PUSHFQ while the hypervisor steps: the pushed image must not carry its TF.
# rule: TfEngine.PushfImageRepairedOnlyWhenGuestTfClear
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        pop rax
        pushfq
        mov rbx, qword ptr [rsp]
        popfq
        mov qword ptr [DATA], rax
        guest_exit 0
