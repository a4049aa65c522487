# SYSENTER keeps the guest's TF (Intel): the trap comes after SYSENTER, in the kernel. AMD: #UD in long mode.
# rule: TfEngine.SysenterKeepsGuestTf
# HVSTEP BUG: vmx-tf: completeness (docs/step-rules.md "BS under TF", design §1 completeness): after an entry that injects an event, a #DB exit carrying the guest's own single-step trap (BS) is not reported to the armed client (tf_forced is false), and re-injecting that #DB makes the next entry an injecting one again, so no client report comes while the guest single-steps itself.
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
