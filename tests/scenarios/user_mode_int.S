# INT n from CPL 3: the stack switches to TSS.RSP0; the frame carries no stepper TF.
# rule: TfEngine.IntNIsEnteredWithoutHvstepTf (privilege change)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + back]
        mov rdx, rax
        shr rdx, 32
        mov ecx, 0xC0000082
        wrmsr
        lea rcx, [rip + user]
        mov r11, 0x2
        mov rsp, USER_STACK_TOP
        sysretq
user:
        int 0x40
        mov rax, 3
        syscall
back:
        mov rsp, KERNEL_STACK_TOP
        guest_exit 0
