# MOV SS while the guest owns TF: its trap comes after the next instruction.
# rule: TfEngine.MovSsPairIsOneStep (guest TF)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        mov ax, ss
        mov ss, ax
        mov rbx, 5
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
