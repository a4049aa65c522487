# ICEBP (INT1) during a step: delivered to the guest with no DR6 bit.
# rule: TfEngine.IcebpIsNeverAStep
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, 1
        int1
        mov rbx, 2
        guest_exit 0
