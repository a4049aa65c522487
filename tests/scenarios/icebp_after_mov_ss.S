# ICEBP in a MOV-SS shadow: INT1 is delivered, never taken for a step.
# rule: TfEngine.IcebpIsNeverAStep, TfEngine.MovSsPairIsOneStep
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov ax, ss
        mov ss, ax
        int1
        nop
        guest_exit 0
