# INT3 during a step: intercepted (TF) and re-injected; the frame carries no stepper TF.
# rule: TfEngine.FaultDuringStepIsReinjected
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, 1
        int3
        mov rbx, 2
        guest_exit 0
