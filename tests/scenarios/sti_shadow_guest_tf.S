# STI while the guest owns TF: the trap after STI is the guest's (XSA-308 entry check territory).
# rule: TfEngine.StiShadowKeptWhenGuestOwnsTf, EntryConsistency.VmentryPendingBs
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
