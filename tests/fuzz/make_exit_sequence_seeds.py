#!/usr/bin/env python3
"""Writes the seed corpus of exit_sequence_fuzzer (tests/fuzz/corpus/exit_sequence/).

Each seed is one hand-written scenario in the input format documented at the top of
exit_sequence_fuzzer.cpp. The files are committed; run this again only after changing the format:
    python3 tests/fuzz/make_exit_sequence_seeds.py
"""
import os
import struct

MTF, VMX_TF, SVM_TF = 0, 1, 2
ARM, DISARM, DISARM_ALL, CLAIM, EXIT, EMULATE, WRITE_RFLAGS, ENTRY, GUEST_WRITE, INJECT, CONFIGURE = range(11)
UNKNOWN, ORDINARY, PUSHES_FLAGS, LOADS_FLAGS, SYSRET, SYSCALL, SOFTWARE_INTERRUPT = range(7)
BS, B0, BD, BT, RTM = 0x4000, 0x1, 0x2000, 0x8000, 0x10000
TF, IF, RESERVED = 0x100, 0x200, 0x2


def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)


def arm(client, branch=False, one_step=False, step_into=False):
    return u8(ARM) + u8(client) + u8(1 if branch else 0) + u8(0 if one_step else 1) + u8(1 if step_into else 0)


def entry(next_instruction=ORDINARY):
    return u8(ENTRY) + u8(next_instruction)


def vmx_exit(kind, extra=b"", qualification=0, length=0, error=0, rflags=None, interruptibility=None,
             activity=None, pending=None, dr7=None):
    """kind: 0 #DB, 1 ICEBP, 2 exception (extra: vector), 3 NMI/interrupt, 4 MTF, 5 other (extra: index)."""
    fields = [(0x01, rflags, u64), (0x02, interruptibility, u32), (0x04, activity, u32), (0x08, pending, u64),
              (0x10, dr7, u64)]
    mask = 0
    tail = b""
    for bit, value, pack in fields:
        if value is not None:
            mask |= bit
            tail += pack(value)
    return u8(EXIT) + u8(kind) + extra + u32(qualification) + u8(length) + u16(error) + u8(mask) + tail


def svm_exit(kind, extra=b"", dr6_conditions=0, rflags=None, next_rip=None, info1=None):
    """kind: 0 #DB, 1 ICEBP, 2 exception (extra: vector), 3 MOV DR6 (extra: 1 write), 4 0x60+extra."""
    mask = 0
    tail = b""
    if rflags is not None:
        mask |= 0x01
        tail += u64(rflags)
    if next_rip is not None:
        mask |= 0x10
        tail += u64(next_rip)
    if info1 is not None:
        mask |= 0x20
        tail += u64(info1)
    # VMCB.DR6 = 0xffff0ff0 ^ delta; flipping BS/B0-3/BD/BT sets them, flipping RTM records it.
    return u8(EXIT) + u8(kind) + extra + u32(dr6_conditions) + u8(mask) + tail


def emulate():
    return u8(EMULATE) + u8(0)


def guest_write(which, value):
    return u8(GUEST_WRITE) + u8(which) + u64(value)


SEEDS = {
    # MTF: one step, then a stale MTF exit after disarm, then the control goes off.
    "mtf_step_and_disarm": u8(MTF) + arm(0) + entry() + vmx_exit(4) + entry() + u8(DISARM) + u8(0)
    + vmx_exit(4) + entry(),
    # MTF step into handlers with an injected event, then an emulated CPUID (reason 10) with guest TF.
    "mtf_step_into_and_emulation": u8(MTF) + arm(1, step_into=True) + u8(INJECT) + u32(0x80000B0E) + entry()
    + vmx_exit(4) + u8(WRITE_RFLAGS) + u64(RESERVED | TF) + vmx_exit(5, u8(3)) + emulate() + entry(),
    # VMX TF: two steps, the guest's POPF loading TF=1 in between, then disarm.
    "vmx_tf_popf_sets_tf": u8(VMX_TF) + arm(0) + entry(LOADS_FLAGS)
    + vmx_exit(0, qualification=BS, rflags=RESERVED | TF) + entry(ORDINARY)
    + vmx_exit(0, qualification=BS, rflags=RESERVED | TF) + u8(DISARM_ALL) + entry(),
    # XSA-308: MOV SS; ICEBP under a TF step (exit with MOV-SS blocking and pending BS), then INT3.
    "vmx_tf_mov_ss_icebp_int3": u8(VMX_TF) + arm(0) + entry()
    + vmx_exit(1, length=1, interruptibility=2, pending=BS) + entry()
    + vmx_exit(2, u8(3), length=1, interruptibility=2, pending=0) + entry() + u8(DISARM_ALL) + entry(),
    # VMX TF: a branch step with a claimed breakpoint hit, a #PF during the step, PUSHF and SYSCALL.
    "vmx_tf_branch_breakpoint_fault": u8(VMX_TF) + u8(CLAIM) + u8(0x1) + u8(1) + arm(0, branch=True) + entry(PUSHES_FLAGS)
    + vmx_exit(0, qualification=BS | B0, dr7=0x401) + entry(SYSCALL)
    + vmx_exit(2, u8(14), qualification=0x1000, error=2) + entry(SYSCALL)
    + vmx_exit(0, qualification=BS) + entry(),
    # SVM TF: a step, the guest's own MOV to DR6 (intercepted, then performed by the hypervisor), a step.
    "svm_tf_step_dr6_write": u8(SVM_TF) + u8(CONFIGURE) + u32(1 << 18) + u32(0) + u32(0) + u8(0) + arm(0)
    + entry() + svm_exit(0, dr6_conditions=BS) + entry()
    + svm_exit(3, u8(1), info1=(1 << 63) | 3) + guest_write(0, 0xFFFF0FF1) + emulate() + entry()
    + svm_exit(0, dr6_conditions=BS | B0) + u8(DISARM_ALL) + entry(),
    # SVM TF: task switch with the T bit (BT) while the guest owns TF, ICEBP, then disarm.
    "svm_tf_task_switch_icebp": u8(SVM_TF) + u8(WRITE_RFLAGS) + u64(RESERVED | TF) + arm(2, one_step=True)
    + arm(0) + entry() + svm_exit(0, dr6_conditions=BS | BT, rflags=RESERVED | TF) + entry()
    + svm_exit(1, next_rip=0x1001) + entry() + svm_exit(4, u8(0x12)) + u8(DISARM) + u8(0) + entry(),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "exit_sequence")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
