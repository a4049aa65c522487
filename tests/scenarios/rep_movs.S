# REP MOVSB: each iteration is a boundary (4 here).
# rule: step-rules "REP string instructions"
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rsi, [rip + src]
        mov rdi, DATA
        mov rcx, 4
        rep movsb
        guest_exit 0
src:
        .ascii "abcd"
