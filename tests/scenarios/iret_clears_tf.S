# IRETQ loading TF=0 while the guest owned TF.
# rule: TfOwnership.IretClearingGuestTfIsHonoured
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        mov rax, rsp
        push KERNEL_SS
        push rax
        push 0x2
        push KERNEL_CS
        lea rax, [rip + after]
        push rax
        iretq
after:
        nop
        guest_exit 0
