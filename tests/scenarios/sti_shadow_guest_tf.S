# STI while the guest owns TF: the trap after STI is the guest's (XSA-308 entry check territory).
# rule: TfEngine.StiShadowKeptWhenGuestOwnsTf, EntryConsistency.VmentryPendingBs
# HVSTEP BUG: vmx-tf: completeness (docs/step-rules.md "BS under TF", design §1 completeness): after an entry that injects an event, a #DB exit carrying the guest's own single-step trap (BS) is not reported to the armed client (tf_forced is false), and re-injecting that #DB makes the next entry an injecting one again, so no client report comes while the guest single-steps itself.
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        cli
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        sti
        nop
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
