# SYSENTER keeps the guest's TF (Intel): the trap comes after SYSENTER, in the kernel. AMD: #UD in long mode.
# rule: TfEngine.SysenterKeepsGuestTf
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + kernel]
        mov rdx, rax
        shr rdx, 32
        mov ecx, 0x176
        wrmsr
        mov eax, KERNEL_STACK_TOP - 0x800
        xor edx, edx
        mov ecx, 0x175
        wrmsr
        lea rax, [rip + kernel]
        mov qword ptr [FAULT_RESUME], rax
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        sysenter
kernel:
        mov qword ptr [FAULT_RESUME], 0
        nop
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
