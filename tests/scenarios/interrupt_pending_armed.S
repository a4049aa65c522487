# An interrupt raised while a one-step client is armed waits for the step, then is injected.
# rule: MtfEngine.EventsHeldWhileArmed
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        sti
        mov al, 1
        out PORT_CONTROL, al
        mov al, 0x30
        out PORT_RAISE_IRQ, al
        nop
        nop
        guest_exit 0
