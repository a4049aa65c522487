# REP STOSQ while the guest owns TF: a trap after each iteration.
# rule: step-rules "REP string instructions" (guest TF)
# HVSTEP BUG: vmx-tf: completeness (docs/step-rules.md "BS under TF", design §1 completeness): after an entry that injects an event, a #DB exit carrying the guest's own single-step trap (BS) is not reported to the armed client (tf_forced is false), and re-injecting that #DB makes the next entry an injecting one again, so no client report comes while the guest single-steps itself.
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rdi, DATA
        mov rcx, 3
        mov rax, 0x1111
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        rep stosq
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
