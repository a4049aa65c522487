# Disarming while the guest owns TF: the guest keeps single-stepping itself.
# rule: TfEngine.TfRestoredToGuestOwnedOnDisarm
# arm: guest
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov al, 2
        out PORT_CONTROL, al
        pushfq
        pushfq
        or qword ptr [rsp], 0x100
        popfq
        mov al, 3
        out PORT_CONTROL, al
        nop
        popfq
        nop
        guest_exit 0
