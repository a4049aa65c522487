# An NMI raised while a one-step client is armed.
# rule: MtfEngine.EventsHeldWhileArmed (NMI)
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 1
        out PORT_CONTROL, al
        out PORT_RAISE_NMI, al
        nop
        nop
        guest_exit 0
