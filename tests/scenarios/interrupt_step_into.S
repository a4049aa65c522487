# MTF stepping into an interrupt handler (core::step_into_events); TF policies hold it.
# rule: MtfEngine.MtfStepIntoEndsAtHandler
# arm: step-into
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        sti
        mov al, 0x31
        out PORT_RAISE_IRQ, al
        nop
        nop
        guest_exit 0
