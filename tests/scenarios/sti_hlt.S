# STI then HLT (HLT in the STI shadow) with an interrupt pending: MTF steps into the handler; a TF policy holds the interrupt while armed, so the guest halts for good (the hold policy's liveness cost; the native run reproduces the delay by never delivering it).
# rule: TfEngine.HaltedGuestIsNotForced, TfEngine.StiShadowClearedWhenForcing, MtfEngine.MtfStepIntoEndsAtHandler
# arm: step-into
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        cli
        mov al, 0x30
        out PORT_RAISE_IRQ, al
        sti
        hlt
        mov rbx, 2
        guest_exit 0
