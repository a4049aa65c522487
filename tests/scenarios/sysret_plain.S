# SYSRETQ to user mode and SYSCALL back under a hypervisor step.
# rule: TfOwnership.TfOwnedAfterStepTable (SYSRET)
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
        mov r11, 0x202
        mov rsp, USER_STACK_TOP
        sysretq
user:
        mov rax, 7
        syscall
back:
        mov rsp, KERNEL_STACK_TOP
        guest_exit 0
