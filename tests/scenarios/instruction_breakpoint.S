# A guest DR0 instruction breakpoint during a step: a fault, resumed with RF.
# rule: DbDisposition.RfSetAfterConsumedInstructionBreakpoint (guest-owned), DbDisposition.TrapNeverReinjectedAsFault
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        lea rax, [rip + target]
        mov dr0, rax
        mov rax, 0x1
        mov dr7, rax
        nop
target:
        mov rbx, 2
        xor eax, eax
        mov dr7, rax
        guest_exit 0
