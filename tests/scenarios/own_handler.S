# A program installs its own handler (set_gate) and enters it with INT n during a step.
# rule: TfEngine.IntNIsEnteredWithoutHvstepTf
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        set_gate 0x41, handler
        int 0x41
        mov qword ptr [DATA + 8], rdx
        guest_exit 0
handler:
        mov rdx, 0x77
        pushfq
        pop qword ptr [DATA]
        iretq
