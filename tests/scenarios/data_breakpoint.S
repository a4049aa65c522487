# A guest DR1 write breakpoint: a trap after the write, B1 in DR6.
# rule: DbDisposition.Dr6MergePayload
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, DATA
        mov dr1, rax
        mov rax, 0x1000 | 0x4 | (0x1 << 20) | (0x3 << 22)
        mov dr7, rax
        mov qword ptr [DATA], 5
        nop
        xor eax, eax
        mov dr7, rax
        guest_exit 0
