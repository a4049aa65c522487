# SYSRETQ loading TF=1 from R11: the trap comes right after SYSRET, in user mode.
# rule: TfEngine.SysretLoadingTfGivesItToGuest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + back]
        mov rdx, rax
        shr rdx, 32
        mov ecx, 0xC0000082
        wrmsr
        mov eax, 0x100
        xor edx, edx
        mov ecx, 0xC0000084
        wrmsr
        lea rcx, [rip + user]
        mov r11, 0x302
        mov rsp, USER_STACK_TOP
        sysretq
user:
        mov rax, 1
        mov rbx, 2
        syscall
back:
        mov rsp, KERNEL_STACK_TOP
        guest_exit 0
