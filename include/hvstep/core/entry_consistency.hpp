#pragma once
// VM-entry consistency of TF, BTF and the pending single-step trap inside
// interrupt shadows and HLT.
//
// Intel SDM Vol. 3C §27.3.1.5 "Checks on Guest Non-Register State": when the
// interruptibility state shows blocking by STI or by MOV SS, or the activity
// state is HLT, then pending-debug-exceptions.BS must be 1 if RFLAGS.TF=1 and
// IA32_DEBUGCTL.BTF=0, and must be 0 if TF=0 or BTF=1. A violation fails the
// VM entry (exit reason 33): Xen's XSA-308 was hvstep's case exactly — a
// debugger's TF set while the guest sat in a MOV-SS shadow.
//
// Shadows (SDM Vol. 3B §18.3.1.4, Vol. 3A §6.8.3): STI's shadow does not
// suppress the single-step trap; MOV SS / POP SS hold it until after the next
// instruction, so one step covers both.
//
// hvstep's choice when it must force TF inside a shadow (docs/step-rules.md):
//   STI shadow    -> clear blocking-by-STI. While a TF step is armed hvstep holds
//                    interrupt and NMI injection, so the shadow has nothing to
//                    block; keeping it would need BS=1, which delivers a #DB
//                    before the shadowed instruction runs.
//   MOV-SS shadow -> keep it and set BS=1: the hardware then delivers the trap
//                    after the next instruction, as it would natively.
//   HLT           -> do not force TF: the halted instruction already completed.

#include <cstdint>

namespace hvstep {
inline namespace v0 {
namespace core {

struct shadow_state {
    bool blocking_by_sti = false;
    bool blocking_by_mov_ss = false;
    bool halted = false;

    constexpr bool any() const noexcept { return blocking_by_sti || blocking_by_mov_ss || halted; }
};

// Rule "vmentry_pending_bs": the BS value the check demands, or `current`
// when the check does not constrain it.
constexpr bool required_pending_bs(shadow_state shadow, bool tf, bool btf, bool current) noexcept {
    if (!shadow.any()) return current;
    return tf && !btf;
}

// Rule "vmentry_pending_bs" as a predicate, for tests and assertions.
constexpr bool passes_pending_bs_check(shadow_state shadow, bool tf, bool btf, bool pending_bs) noexcept {
    return required_pending_bs(shadow, tf, btf, pending_bs) == pending_bs;
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
