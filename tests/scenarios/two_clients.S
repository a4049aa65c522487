# Two clients at once: a continuous introspection client and a one-step debugger share one trap.
# rule: TfEngine.TwoClientsShareOneTrap, Arming.OneStepClientsRetireAfterReport
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 2
        out PORT_CONTROL, al
        mov al, 1
        out PORT_CONTROL, al
        mov rax, 1
        mov rbx, 2
        mov al, 3
        out PORT_CONTROL, al
        guest_exit 0
