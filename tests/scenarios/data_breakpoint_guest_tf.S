# A data breakpoint and the guest's own TF on the same instruction: one #DB with B1 and BS.
# rule: DbDisposition.Dr6MergePayload (BS + B1)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, DATA
        mov dr1, rax
        mov rax, 0x4 | (0x1 << 20) | (0x3 << 22)
        mov dr7, rax
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        mov qword ptr [DATA], 5
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        xor eax, eax
        mov dr7, rax
        guest_exit 0
