# The guest branch-steps itself (DEBUGCTL.BTF with TF) while the hypervisor steps instructions.
# rule: TfEngine.GuestBtfPreserved, TfEngine.GuestInstructionSteppingBeatsBranchRequest, btf_guest_write
# TF policies: the guest's WRMSR of BTF goes through set_guest_debugctl(); the guest branch-stepping
# itself wins over the client's instruction request (docs/step-rules.md), so the client's report #9
# covers the NOP and the JMP together: INCOMPLETE by design, transparent.
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov ecx, 0x1D9
        mov eax, 2
        xor edx, edx
        wrmsr
        pushfq
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        nop
        jmp 1f
        nop
1:
        nop
        popfq
        mov ecx, 0x1D9
        xor eax, eax
        xor edx, edx
        wrmsr
        guest_exit 0
