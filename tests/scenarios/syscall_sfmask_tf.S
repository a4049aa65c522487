# SYSCALL with SFMASK masking TF while the guest owns TF: the trap after SYSCALL, then TF is 0 in the kernel.
# rule: TfOwnership.SyscallSfmaskClearsGuestTf, TfEngine.SyscallR11CarriesGuestTf
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + kernel]
        mov rdx, rax
        shr rdx, 32
        mov ecx, 0xC0000082
        wrmsr
        mov eax, 0x100
        xor edx, edx
        mov ecx, 0xC0000084
        wrmsr
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        syscall
        mov qword ptr [DATA], r11
        guest_exit 0
kernel:
        mov qword ptr [DATA + 8], r11
        pushfq
        pop rax
        mov qword ptr [DATA + 16], rax
        and r11, ~0x100
        push r11
        popfq
        mov rax, rcx
        jmp rax
