# IRETQ loading TF=1: the guest owns it; the first trap after the next instruction.
# rule: TfOwnership.TfOwnedAfterStepTable (IRET)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, rsp
        push KERNEL_SS
        push rax
        push 0x102
        push KERNEL_CS
        lea rax, [rip + after]
        push rax
        iretq
after:
        nop
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
