# IRETQ loading TF=0 while the guest owned TF.
# rule: TfOwnership.IretClearingGuestTfIsHonoured
# HVSTEP BUG: vmx-tf: completeness (docs/step-rules.md "BS under TF", design §1 completeness): after an entry that injects an event, a #DB exit carrying the guest's own single-step trap (BS) is not reported to the armed client (tf_forced is false), and re-injecting that #DB makes the next entry an injecting one again, so no client report comes while the guest single-steps itself.
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
