// Rule tests for core/tf_ownership.hpp: who owns RFLAGS.TF while hvstep forces it.
#include <gtest/gtest.h>

#include "dual_test.hpp"
#include "hvstep/core/tf_ownership.hpp"
#include "hvstep/core/tf_engine.hpp"

namespace {
using namespace hvstep::core;
namespace rflags = hvstep::x86::rflags;

constexpr std::uint64_t with_tf = rflags::reserved_one.mask | rflags::tf.mask;
constexpr std::uint64_t without_tf = rflags::reserved_one.mask;

constexpr step_state forced(bool guest_tf, next_instruction stepping) {
    step_state s{};
    s.armed = 1;
    s = with_flag(s, state_flag::tf_forced, true);
    s = with_flag(s, state_flag::guest_tf, guest_tf);
    s.stepping = static_cast<std::uint8_t>(stepping);
    return s;
}

// The table in tf_ownership.hpp, row by row.
constexpr bool check_tf_owned_after_step_table() {
    for (int before = 0; before < 2; ++before) {
        for (int after = 0; after < 2; ++after) {
            const bool b = before != 0, a = after != 0;
            if (guest_tf_after_step(b, a, next_instruction::loads_flags) != a) return false;
            if (guest_tf_after_step(b, a, next_instruction::ordinary) != (a && b)) return false;
            if (guest_tf_after_step(b, a, next_instruction::unknown) != (a && b)) return false;
            if (guest_tf_after_step(b, a, next_instruction::syscall) != (a && b)) return false;
        }
    }
    return true;
}
HVSTEP_DUAL_TEST(TfOwnership, TfOwnedAfterStepTable, check_tf_owned_after_step_table)

// Linux's TIF_FORCED_TF bug: a POPF that *clears* TF must not make the guest
// the owner of hvstep's TF. Decided from the value.
constexpr bool check_popf_loading_zero_gives_guest_zero() {
    const auto s = update_after_step(forced(false, next_instruction::loads_flags), without_tf);
    return !has(s, state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfOwnership, PopfLoadingZeroGivesGuestZero, check_popf_loading_zero_gives_guest_zero)

constexpr bool check_popf_loading_one_gives_guest_one() {
    const auto s = update_after_step(forced(false, next_instruction::loads_flags), with_tf);
    return has(s, state_flag::guest_tf) && guest_view_of_rflags(s, with_tf) == with_tf;
}
HVSTEP_DUAL_TEST(TfOwnership, PopfLoadingOneGivesGuestOne, check_popf_loading_one_gives_guest_one)

constexpr bool check_iret_clearing_guest_tf_is_honoured() {
    const auto s = update_after_step(forced(true, next_instruction::loads_flags), without_tf);
    return !has(s, state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfOwnership, IretClearingGuestTfIsHonoured, check_iret_clearing_guest_tf_is_honoured)

constexpr bool check_ordinary_instruction_keeps_guest_tf() {
    return has(update_after_step(forced(true, next_instruction::ordinary), with_tf), state_flag::guest_tf) &&
           !has(update_after_step(forced(false, next_instruction::ordinary), with_tf), state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfOwnership, OrdinaryInstructionKeepsGuestTf, check_ordinary_instruction_keeps_guest_tf)

// SYSCALL with SFMASK.TF (SDM Vol. 2B SYSCALL): RFLAGS &= ~SFMASK clears TF,
// the guest's too; SYSENTER leaves TF alone.
constexpr bool check_syscall_sfmask_clears_guest_tf() {
    return !has(update_after_step(forced(true, next_instruction::syscall), without_tf), state_flag::guest_tf) &&
           has(update_after_step(forced(true, next_instruction::syscall), with_tf), state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfOwnership, SyscallSfmaskClearsGuestTf, check_syscall_sfmask_clears_guest_tf)

constexpr bool check_guest_view_hides_forced_tf() {
    const auto s = forced(false, next_instruction::ordinary);
    const std::uint64_t real = with_tf | rflags::if_.mask;
    return guest_view_of_rflags(s, real) == (without_tf | rflags::if_.mask) &&
           guest_view_of_rflags(step_state{}, real) == real;
}
HVSTEP_DUAL_TEST(TfOwnership, GuestViewHidesForcedTf, check_guest_view_hides_forced_tf)

// Rule "tf_take_ownership": when forcing starts, what is in RFLAGS is the guest's.
constexpr bool check_take_tf_saves_guest_tf_and_rf() {
    const std::uint64_t real = with_tf | rflags::rf.mask;
    const auto s = take_tf(step_state{}, real);
    const auto entry = rflags_for_entry(s, real, true);
    return has(s, state_flag::guest_tf) && rflags::rf.is_set(entry) && rflags::tf.is_set(entry);
}
HVSTEP_DUAL_TEST(TfOwnership, TakeTfSavesGuestTfAndKeepsRf, check_take_tf_saves_guest_tf_and_rf)

constexpr bool check_restore_gives_guest_its_tf() {
    const auto s = forced(false, next_instruction::ordinary);
    const auto s1 = forced(true, next_instruction::ordinary);
    return !rflags::tf.is_set(rflags_for_entry(s, with_tf, false)) &&
           rflags::tf.is_set(rflags_for_entry(s1, with_tf, false));
}
HVSTEP_DUAL_TEST(TfOwnership, RestoreGivesGuestItsTf, check_restore_gives_guest_its_tf)

// The PUSHF image and R11 carry the guest's TF, not hvstep's.
constexpr bool check_flags_images_carry_guest_tf() {
    return guest_flags_image(false, with_tf) == without_tf && guest_flags_image(true, with_tf) == with_tf;
}
HVSTEP_DUAL_TEST(TfOwnership, FlagsImagesCarryGuestTf, check_flags_images_carry_guest_tf)

// Rule "tf_guest_write": a hypervisor-emulated POPF writes the guest's TF;
// hvstep's stays in the register.
constexpr bool check_guest_write_updates_owner_keeps_forced_tf() {
    const auto w = write_guest_rflags(forced(false, next_instruction::ordinary), with_tf, with_tf);
    const auto w0 = write_guest_rflags(forced(true, next_instruction::ordinary), without_tf, with_tf);
    const auto idle = write_guest_rflags(step_state{}, without_tf, with_tf);
    return has(w.state, state_flag::guest_tf) && rflags::tf.is_set(w.real_rflags) &&
           !has(w0.state, state_flag::guest_tf) && rflags::tf.is_set(w0.real_rflags) &&
           idle.real_rflags == without_tf;
}
HVSTEP_DUAL_TEST(TfOwnership, GuestWriteUpdatesOwnerKeepsForcedTf, check_guest_write_updates_owner_keeps_forced_tf)

}  // namespace
