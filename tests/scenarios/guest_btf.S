# The guest branch-steps itself (DEBUGCTL.BTF with TF) while the hypervisor steps instructions.
# rule: TfEngine.GuestBtfPreserved, TfEngine.GuestInstructionSteppingBeatsBranchRequest
# HVSTEP BUG: svm-tf: transparency (guest BTF): a guest WRMSR to IA32_DEBUGCTL while a TF step is armed cannot reach hvstep (no API takes the guest's new DEBUGCTL, unlike set_guest_rflags for RFLAGS), so before_entry overwrites the guest's BTF with the saved one and the guest's own branch stepping becomes instruction stepping (design §2: the guest's own BTF is saved and restored like its TF).
# HVSTEP BUG: vmx-tf: the same (guest BTF written while armed is lost).
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
