# The guest writes and reads DR6 while stepped (SVM-TF parks DR6 and emulates MOV DR6).
# rule: policy tests: MOV DR6 emulation
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, 0xFFFF0FF1
        mov dr6, rax
        mov rbx, dr6
        mov qword ptr [DATA], rbx
        mov rax, 0xFFFF0FF0
        mov dr6, rax
        guest_exit 0
