# The guest single-steps itself after an event was delivered: every one of its traps is a boundary the armed client must see.
# rule: completeness: the step resumes at the next exit (docs/step-rules.md, events)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        int3
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        nop
        nop
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
