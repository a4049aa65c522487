# The guest runtime's common exception handler (docs/guest-abi.md). Every IDT
# stub pushes an error code (0 when the CPU pushes none) and the vector, then
# jumps here. It records the event in the log, clears DR6 after a #DB (as an OS
# would) and sets RF in the frame, resumes at the fault-resume slot when the
# program set one, and returns with IRETQ.
# sim/guest_runtime.hpp embeds the bytes; ctest sim.runtime_bytes checks they match.
        .intel_syntax noprefix
        .code64
        .text
common:
        push rax
        push rbx
        mov rbx, qword ptr [0x3008]
        mov rax, qword ptr [rsp+16]
        mov qword ptr [rbx], rax
        mov rax, qword ptr [rsp+24]
        mov qword ptr [rbx+8], rax
        mov rax, qword ptr [rsp+32]
        mov qword ptr [rbx+16], rax
        mov rax, qword ptr [rsp+48]
        mov qword ptr [rbx+24], rax
        mov rax, qword ptr [rsp+56]
        mov qword ptr [rbx+32], rax
        mov rax, dr6
        mov qword ptr [rbx+40], rax
        mov rax, qword ptr [rsp+40]
        mov qword ptr [rbx+48], rax
        add rbx, 64
        mov qword ptr [0x3008], rbx
        inc qword ptr [0x3000]
        cmp qword ptr [rsp+16], 1
        jne 1f
        mov eax, 0xFFFF0FF0
        mov dr6, rax
        or qword ptr [rsp+48], 0x10000
1:
        mov rax, qword ptr [0x3010]
        test rax, rax
        jz 2f
        mov qword ptr [rsp+32], rax
        mov qword ptr [0x3010], 0
2:
        pop rbx
        pop rax
        add rsp, 16
        iretq
