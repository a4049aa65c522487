# The showcase guest of `cmake --workflow --preset demo`: the leaks and traps a stepper has
# to get right, in a dozen instructions. hvstep-trace steps it under all three policies and
# compares each run with a native one (docs/trace-format.md).
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, 1
        pushfq                      # the pushed image must not carry the stepper's TF
        pop rbx
        cpuid                       # emulated by the hypervisor: the step is reported by after_emulation
        pushfq                      # an image with TF=0, for later
        pushfq
        or qword ptr [rsp], 0x100   # the guest sets its own TF...
        popfq                       # ...POPF loads it: no trap after this POPF (TF was 0 when it began)
        popfq                       # loads TF=0, yet traps after itself: the guest's own #DB(BS), logged with DR6
        mov rcx, 3
        lea rdi, [rip + buffer]
        mov al, 0x5A
        rep stosb                   # three REP iterations, three steps
        int3                        # an exception during a step: the runtime's handler logs it and returns
        mov rdx, qword ptr [LOG_COUNT]
        guest_exit 0
buffer:
        .quad 0
