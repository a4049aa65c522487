#pragma once
// The TF ownership machine: who owns RFLAGS.TF (and DEBUGCTL.BTF) while
// hvstep forces them, and what the guest must see.
//
// Intel SDM Vol. 3B §18.3.1.4 "Single-Step Exception Condition" and AMD APM
// Vol. 2 §13.1.4 "Single Stepping": the trap after an instruction is decided by
// TF at the *start* of that instruction. POPF, IRET and SYSRET load RFLAGS
// (SDM Vol. 2 POPF/IRET/SYSRET; APM Vol. 3), so after stepping one of them the
// guest owns whatever TF it loaded — decided from the value, never from the
// opcode alone (the Linux TIF_FORCED_TF bug: a POPF that loads TF=0 was
// treated as the program setting TF).
//
//   stepped instruction   | real TF after | guest owns after
//   ----------------------+---------------+------------------------------
//   loads_flags, sysret   | v             | v            (the loaded value)
//   anything else         | 0             | 0            (SYSCALL's SFMASK or an event
//                         |               |               delivery cleared it, as natively)
//   anything else         | 1             | unchanged    (TF untouched by the instruction)

#include <cstdint>

#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

// Rule "tf_owned_after_step" (table above).
constexpr bool guest_tf_after_step(bool guest_tf_before, bool real_tf_after, next_instruction stepped) noexcept {
    if (stepped == next_instruction::loads_flags || stepped == next_instruction::sysret) return real_tf_after;
    return real_tf_after && guest_tf_before;
}

// Rule "sysret_traps_at_once": the single-step trap after an instruction is
// the guest's when its TF was 1 at the start of the instruction — except that
// SYSRET loading TF=1 traps right after SYSRET (SDM Vol. 2B SYSRET, Operation;
// the reason Linux returns with IRET whenever TF is set), so that trap is the
// guest's too.
constexpr bool guest_owns_step_trap(bool guest_tf_before, bool real_tf_after, next_instruction stepped) noexcept {
    return guest_tf_before || (stepped == next_instruction::sysret && real_tf_after);
}

// Rule "tf_guest_view": while hvstep forces TF (or BTF), the guest-visible
// value is the guest's own; otherwise the register is the guest's.
constexpr std::uint64_t guest_view_of_rflags(const step_state& s, std::uint64_t real_rflags) noexcept {
    if (!has(s, state_flag::tf_forced)) return real_rflags;
    return x86::rflags::tf.assign(real_rflags, has(s, state_flag::guest_tf));
}

// Rule "tf_take_ownership": when hvstep starts forcing TF, the value in RFLAGS
// is the guest's own; remember it.
constexpr step_state take_tf(step_state s, std::uint64_t real_rflags) noexcept {
    if (has(s, state_flag::tf_forced)) return s;
    return with_flag(s, state_flag::guest_tf, x86::rflags::tf.is_set(real_rflags));
}

// The value RFLAGS must hold on the next entry: hvstep's TF when forcing,
// otherwise the guest's own (rule "tf_restore_on_disarm").
constexpr std::uint64_t rflags_for_entry(const step_state& s, std::uint64_t real_rflags, bool force) noexcept {
    return x86::rflags::tf.assign(real_rflags, force || has(s, state_flag::guest_tf));
}

// Rule "tf_after_step": update the guest's TF after a stepped instruction.
constexpr step_state update_after_step(step_state s, std::uint64_t real_rflags_after) noexcept {
    if (!has(s, state_flag::tf_forced)) return s;
    const bool owned = guest_tf_after_step(has(s, state_flag::guest_tf), x86::rflags::tf.is_set(real_rflags_after),
                                           static_cast<next_instruction>(s.stepping));
    return with_flag(s, state_flag::guest_tf, owned);
}

// What the guest would have seen in the flags image a PUSHF pushed or SYSCALL
// copied into R11 (rule "no_tf_leak"): the guest's TF at the start of the
// instruction, not hvstep's.
constexpr std::uint64_t guest_flags_image(bool guest_tf_before, std::uint64_t image) noexcept {
    return x86::rflags::tf.assign(image, guest_tf_before);
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
