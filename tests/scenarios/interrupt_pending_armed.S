# An interrupt raised while a continuous client is armed is held (events_held) until the client disarms, then injected; natively it arrives at the same boundary (asynchronous: only time differs).
# rule: MtfEngine.EventsHeldWhileArmed
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        sti
        mov al, 2
        out PORT_CONTROL, al
        mov al, 0x30
        out PORT_RAISE_IRQ, al
        nop
        nop
        mov al, 3
        out PORT_CONTROL, al
        nop
        guest_exit 0
