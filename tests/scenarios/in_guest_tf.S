# IN emulated while the guest owns TF.
# rule: TfEngine.EmulatedInstructionCompletesStep (I/O)
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        in al, PORT_DATA
        pushfq
        and qword ptr [rsp], ~0x100
        popfq
        mov byte ptr [DATA], al
        guest_exit 0
