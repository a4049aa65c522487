# STI then HLT with an interrupt pending: HLT in the STI shadow, woken by the interrupt.
# rule: TfEngine.HaltedGuestIsNotForced
# arm: guest
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
