# A branch client and an instruction client together: instruction steps for both (branch steps only when every client wants them).
# rule: Arming.BranchStepOnlyWhenEveryClientWantsIt
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 4
        out PORT_CONTROL, al
        mov al, 1
        out PORT_CONTROL, al
        nop
        jmp 1f
        nop
1:
        nop
        mov al, 3
        out PORT_CONTROL, al
        guest_exit 0
