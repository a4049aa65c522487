# An NMI-window client one-step beside a continuous introspection client.
# rule: TfEngine.TwoClientsShareOneTrap (nmi-window)
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 2
        out PORT_CONTROL, al
        mov al, 5
        out PORT_CONTROL, al
        nop
        mov al, 3
        out PORT_CONTROL, al
        guest_exit 0
