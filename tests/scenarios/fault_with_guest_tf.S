# A fault while the guest owns TF: the fault, not a trap; TF comes back with IRET.
# rule: TfEngine.FaultDuringStepIsReinjected (guest TF)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + after]
        mov qword ptr [FAULT_RESUME], rax
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        ud2
after:
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
