# POPF with a 16-bit operand (66 9D) loading TF=1, then clearing it.
# rule: TfOwnership.PopfLoadingOneGivesGuestOne (16-bit form)
# HVSTEP BUG: vmx-tf: completeness (docs/step-rules.md "BS under TF", design §1 completeness): after an entry that injects an event, a #DB exit carrying the guest's own single-step trap (BS) is not reported to the armed client (tf_forced is false), and re-injecting that #DB makes the next entry an injecting one again, so no client report comes while the guest single-steps itself.
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
