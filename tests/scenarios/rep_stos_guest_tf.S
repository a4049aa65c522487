# REP STOSQ while the guest owns TF: a trap after each iteration.
# rule: step-rules "REP string instructions" (guest TF)
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
