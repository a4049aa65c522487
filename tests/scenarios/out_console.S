# OUT emulated during a step; the console log is guest-visible I/O.
# rule: TfEngine.EmulatedInstructionCompletesStep
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 0x68
        out PORT_CONSOLE, al
        mov al, 0x69
        mov dx, PORT_CONSOLE
        out dx, al
        guest_exit 0
