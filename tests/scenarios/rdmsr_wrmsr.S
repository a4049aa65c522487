# RDMSR/WRMSR emulated during a step.
# rule: TfEngine.EmulatedInstructionCompletesStep (MSR)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov ecx, 0xC0000082
        mov eax, 0x12345678
        xor edx, edx
        wrmsr
        xor eax, eax
        rdmsr
        mov qword ptr [DATA], rax
        guest_exit 0
