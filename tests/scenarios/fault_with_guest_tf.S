# A fault while the guest owns TF: the fault, not a trap; TF comes back with IRET.
# rule: TfEngine.FaultDuringStepIsReinjected (guest TF)
# HVSTEP BUG: vmx-tf: completeness (docs/step-rules.md "BS under TF", design §1 completeness): after an entry that injects an event, a #DB exit carrying the guest's own single-step trap (BS) is not reported to the armed client (tf_forced is false), and re-injecting that #DB makes the next entry an injecting one again, so no client report comes while the guest single-steps itself.
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + after]
        mov qword ptr [FAULT_RESUME], rax
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        ud2
after:
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
