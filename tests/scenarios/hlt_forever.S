# HLT with interrupts disabled: the guest halts for good, with and without a stepper.
# rule: TfEngine.HaltedGuestIsNotForced
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        cli
        hlt
        guest_exit 0
