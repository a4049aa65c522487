# Throughput guest: 50000 iterations of a 4-instruction loop (200k instructions), for
#   scripts/assemble-guest tools/guest/throughput.S /tmp/throughput.bin
#   time build/test/tools/hvstep-trace --quiet --policy vmx-mtf /tmp/throughput.bin
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rcx, 50000
        mov rbx, DATA
1:
        add qword ptr [rbx], rcx
        inc rax
        dec rcx
        jnz 1b
        guest_exit 0
