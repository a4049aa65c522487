# STI opens an interrupt shadow; a single-step trap is not suppressed by it.
# rule: TfEngine.StiShadowClearedWhenForcing
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        cli
        sti
        nop
        cli
        nop
        guest_exit 0
