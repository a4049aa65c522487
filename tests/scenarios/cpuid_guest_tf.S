# CPUID emulated while the guest owns TF: the step is reported and the guest still gets its #DB(BS).
# rule: TfEngine.EmulatedInstructionCompletesStep
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        cpuid
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        guest_exit 0
