# SYSCALL under a hypervisor step: R11 must carry the guest's TF (0), not the stepper's.
# rule: TfEngine.SyscallR11CarriesGuestTf
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + kernel]
        mov rdx, rax
        shr rdx, 32
        mov ecx, 0xC0000082
        wrmsr
        syscall
        mov qword ptr [DATA], r11
        guest_exit 0
kernel:
        mov qword ptr [DATA + 8], r11
        mov rax, rcx
        jmp rax
