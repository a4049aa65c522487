# Branch granularity (BTF+TF): one report per taken branch; MTF refuses branch steps.
# rule: TfEngine.BranchStepViaBtf, Arming.MtfCannotBranchStep
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 4
        out PORT_CONTROL, al
        mov rcx, 3
loop:
        nop
        dec rcx
        jnz loop
        jmp done
        nop
done:
        mov al, 3
        out PORT_CONTROL, al
        guest_exit 0
