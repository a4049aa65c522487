# SYSENTER under a hypervisor step (Intel); #UD on AMD, resumed through the fault-resume slot.
# rule: TfEngine.SysenterKeepsGuestTf (no guest TF)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + kernel]
        mov rdx, rax
        shr rdx, 32
        mov ecx, 0x176
        wrmsr
        lea rax, [rip + kernel]
        mov qword ptr [FAULT_RESUME], rax
        sysenter
kernel:
        mov qword ptr [FAULT_RESUME], 0
        nop
        guest_exit 0
