// Rule tests for core/tf_engine.hpp, core/mtf_engine.hpp and
// core/entry_consistency.hpp: the decisions at entry and exit.
#include <gtest/gtest.h>

#include "dual_test.hpp"
#include "hvstep/core/mtf_engine.hpp"
#include "hvstep/core/next_instruction.hpp"
#include "hvstep/core/tf_engine.hpp"

namespace {
using namespace hvstep::core;
namespace rflags = hvstep::x86::rflags;
namespace dr6 = hvstep::x86::dr6;

constexpr std::uint64_t plain = rflags::reserved_one.mask;
constexpr std::uint64_t with_tf = plain | rflags::tf.mask;
constexpr std::uint32_t bs = static_cast<std::uint32_t>(dr6::bs.mask);

constexpr step_state armed_state(persistence p = persistence::continuous, granularity g = granularity::instruction) {
    return arm(step_state{}, clients::debugger, g, p, true, false).state;
}

constexpr tf_entry_input entry(std::uint64_t rflags, next_instruction next = next_instruction::ordinary) {
    tf_entry_input in{};
    in.rflags = rflags;
    in.next = next;
    return in;
}

constexpr tf_exit_input db_exit(std::uint32_t conditions, std::uint64_t rflags_after) {
    tf_exit_input in{};
    in.kind = tf_exit_kind::debug_exception;
    in.conditions = conditions;
    in.rflags = rflags_after;
    in.rip = 0x2000;
    return in;
}

// ---- entry ----

// Rule "tf_arm": TF set, guest's TF remembered, intercepts on.
constexpr bool check_tf_arm_sets_tf_and_intercepts() {
    const auto p = plan_tf_entry(armed_state(), entry(plain));
    return rflags::tf.is_set(p.rflags) && p.trap_controls && has(p.state, state_flag::tf_forced) &&
           !has(p.state, state_flag::guest_tf) && !p.btf;
}
HVSTEP_DUAL_TEST(TfEngine, TfArmSetsTfAndIntercepts, check_tf_arm_sets_tf_and_intercepts)

constexpr bool check_tf_arm_remembers_guest_tf() {
    const auto p = plan_tf_entry(armed_state(), entry(with_tf));
    return rflags::tf.is_set(p.rflags) && has(p.state, state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfEngine, TfArmRemembersGuestTf, check_tf_arm_remembers_guest_tf)

// Rule "tf_restore_on_disarm": the guest gets back exactly the TF it owns.
constexpr bool check_tf_restored_to_guest_owned_on_disarm() {
    for (int guest = 0; guest < 2; ++guest) {
        const std::uint64_t start = guest != 0 ? with_tf : plain;
        auto s = plan_tf_entry(armed_state(), entry(start)).state;
        s = disarm(s, s.armed_clients());
        const auto p = plan_tf_entry(s, entry(with_tf));
        if (rflags::tf.is_set(p.rflags) != (guest != 0) || p.trap_controls) return false;
        if (has(p.state, state_flag::tf_forced)) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(TfEngine, TfRestoredToGuestOwnedOnDisarm, check_tf_restored_to_guest_owned_on_disarm)

// Rule "no_tf_leak": an entry that injects an event does not force TF.
constexpr bool check_injection_entry_does_not_force_tf() {
    auto in = entry(plain);
    in.injecting = true;
    const auto p = plan_tf_entry(armed_state(), in);
    return !rflags::tf.is_set(p.rflags) && p.trap_controls && !has(p.state, state_flag::tf_forced);
}
HVSTEP_DUAL_TEST(TfEngine, InjectionEntryDoesNotForceTf, check_injection_entry_does_not_force_tf)

constexpr bool check_int_n_is_entered_without_hvstep_tf() {
    const auto p = plan_tf_entry(armed_state(), entry(plain, next_instruction::software_interrupt));
    return !rflags::tf.is_set(p.rflags) && !has(p.state, state_flag::tf_forced);
}
HVSTEP_DUAL_TEST(TfEngine, IntNIsEnteredWithoutHvstepTf, check_int_n_is_entered_without_hvstep_tf)

constexpr bool check_halted_guest_is_not_forced() {
    auto in = entry(plain);
    in.shadow.halted = true;
    const auto p = plan_tf_entry(armed_state(), in);
    return !rflags::tf.is_set(p.rflags) && !p.pending_bs;
}
HVSTEP_DUAL_TEST(TfEngine, HaltedGuestIsNotForced, check_halted_guest_is_not_forced)

// entry_consistency.hpp: STI shadow cleared when hvstep forces TF, MOV-SS
// shadow kept with BS pending (trap after the next instruction).
constexpr bool check_sti_shadow_cleared_when_forcing() {
    auto in = entry(plain);
    in.shadow.blocking_by_sti = true;
    const auto p = plan_tf_entry(armed_state(), in);
    return p.clear_blocking_by_sti && !p.pending_bs && rflags::tf.is_set(p.rflags);
}
HVSTEP_DUAL_TEST(TfEngine, StiShadowClearedWhenForcing, check_sti_shadow_cleared_when_forcing)

constexpr bool check_sti_shadow_kept_when_guest_owns_tf() {
    auto in = entry(with_tf);
    in.shadow.blocking_by_sti = true;
    in.pending_bs = true;
    const auto p = plan_tf_entry(armed_state(), in);
    return !p.clear_blocking_by_sti && p.pending_bs;
}
HVSTEP_DUAL_TEST(TfEngine, StiShadowKeptWhenGuestOwnsTf, check_sti_shadow_kept_when_guest_owns_tf)

constexpr bool check_mov_ss_pair_is_one_step() {
    auto in = entry(plain);
    in.shadow.blocking_by_mov_ss = true;
    const auto p = plan_tf_entry(armed_state(), in);
    return !p.clear_blocking_by_sti && p.pending_bs && rflags::tf.is_set(p.rflags);
}
HVSTEP_DUAL_TEST(TfEngine, MovSsPairIsOneStep, check_mov_ss_pair_is_one_step)

// XSA-308: the check on pending BS (SDM §27.3.1.5) over the whole truth table.
constexpr bool check_vmentry_pending_bs() {
    for (int bits = 0; bits < 64; ++bits) {
        const shadow_state sh{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
        const bool tf = (bits & 8) != 0, btf = (bits & 16) != 0, cur = (bits & 32) != 0;
        const bool want = required_pending_bs(sh, tf, btf, cur);
        if (!passes_pending_bs_check(sh, tf, btf, want)) return false;
        if (sh.any() && want != (tf && !btf)) return false;
        if (!sh.any() && want != cur) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(EntryConsistency, VmentryPendingBs, check_vmentry_pending_bs)

constexpr bool check_tf_in_shadow_without_btf_requires_pending_bs() {
    const shadow_state movss{false, true, false};
    return !passes_pending_bs_check(movss, true, false, false) && passes_pending_bs_check(movss, true, false, true) &&
           !passes_pending_bs_check(movss, true, true, true) && !passes_pending_bs_check(movss, false, false, true) &&
           passes_pending_bs_check(shadow_state{}, true, false, false);
}
HVSTEP_DUAL_TEST(EntryConsistency, TfInShadowWithoutBtfRequiresPendingBs,
                 check_tf_in_shadow_without_btf_requires_pending_bs)

// Rule 15: branch steps force BTF, and hand the guest's BTF back.
constexpr bool check_branch_step_via_btf() {
    auto s = armed_state(persistence::continuous, granularity::branch);
    auto p = plan_tf_entry(s, entry(plain));
    if (!p.btf || !has(p.state, state_flag::btf_forced)) return false;
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    if (d.report.cause != step_cause::branch) return false;
    s = disarm(d.state, d.state.armed_clients());
    auto in = entry(with_tf);
    in.btf = true;
    p = plan_tf_entry(s, in);
    return !p.btf && !rflags::tf.is_set(p.rflags);
}
HVSTEP_DUAL_TEST(TfEngine, BranchStepViaBtf, check_branch_step_via_btf)

constexpr bool check_guest_btf_preserved() {
    // The guest branch-steps itself (TF+BTF): its semantics win.
    auto in = entry(with_tf);
    in.btf = true;
    const auto p = plan_tf_entry(armed_state(), in);
    // The guest has BTF but no TF: hvstep's instruction step forces BTF off,
    // and gives it back at disarm.
    auto in2 = entry(plain);
    in2.btf = true;
    const auto p2 = plan_tf_entry(armed_state(), in2);
    auto s = disarm(p2.state, p2.state.armed_clients());
    auto in3 = entry(with_tf);
    const auto p3 = plan_tf_entry(s, in3);
    return p.btf && !p2.btf && has(p2.state, state_flag::guest_btf) && p3.btf && !rflags::tf.is_set(p3.rflags);
}
HVSTEP_DUAL_TEST(TfEngine, GuestBtfPreserved, check_guest_btf_preserved)

// A guest stepping instructions itself keeps every trap even when all
// clients asked for branch steps.
constexpr bool check_guest_instruction_stepping_beats_branch_request() {
    const auto p = plan_tf_entry(armed_state(persistence::continuous, granularity::branch), entry(with_tf));
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    return !p.btf && d.report.cause == step_cause::instruction && d.guest_db == bs;
}
HVSTEP_DUAL_TEST(TfEngine, GuestInstructionSteppingBeatsBranchRequest,
                 check_guest_instruction_stepping_beats_branch_request)

// ---- exit ----

// Rule "tf_arm": the first trap comes after the first instruction and is reported.
constexpr bool check_step_trap_is_reported() {
    const auto p = plan_tf_entry(armed_state(), entry(plain));
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    return d.report.clients == client_set::only(clients::debugger) && d.report.rip == 0x2000 &&
           d.report.cause == step_cause::instruction && d.guest_db == 0 && !d.hypervisor_handles;
}
HVSTEP_DUAL_TEST(TfEngine, StepTrapIsReported, check_step_trap_is_reported)

// A POPF that clears TF still traps after itself: the guest's #DB is due.
constexpr bool check_popf_clearing_tf_still_traps() {
    const auto p = plan_tf_entry(armed_state(), entry(with_tf, next_instruction::loads_flags));
    const auto d = decide_tf_exit(p.state, db_exit(bs, plain));
    return d.report.any() && d.guest_db == bs && !has(d.state, state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfEngine, PopfClearingTfStillTraps, check_popf_clearing_tf_still_traps)

constexpr bool check_popf_setting_tf_traps_after_next() {
    auto p = plan_tf_entry(armed_state(), entry(plain, next_instruction::loads_flags));
    auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    if (d.guest_db != 0 || !has(d.state, state_flag::guest_tf)) return false;  // not the guest's yet
    p = plan_tf_entry(d.state, entry(with_tf));
    d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    return d.guest_db == bs && d.report.any();  // the next instruction's trap is both
}
HVSTEP_DUAL_TEST(TfEngine, PopfSettingTfTrapsAfterNext, check_popf_setting_tf_traps_after_next)

// Rule "no_tf_leak": PUSHF and SYSCALL repairs.
constexpr bool check_pushf_image_repaired_only_when_guest_tf_clear() {
    const auto p = plan_tf_entry(armed_state(), entry(plain, next_instruction::pushes_flags));
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    const auto p1 = plan_tf_entry(armed_state(), entry(with_tf, next_instruction::pushes_flags));
    const auto d1 = decide_tf_exit(p1.state, db_exit(bs, with_tf));
    return d.clear_pushed_tf && !d1.clear_pushed_tf;
}
HVSTEP_DUAL_TEST(TfEngine, PushfImageRepairedOnlyWhenGuestTfClear, check_pushf_image_repaired_only_when_guest_tf_clear)

constexpr bool check_syscall_r11_carries_guest_tf() {
    const auto p = plan_tf_entry(armed_state(), entry(plain, next_instruction::syscall));
    const auto d = decide_tf_exit(p.state, db_exit(bs, plain));  // SFMASK cleared TF
    const auto p1 = plan_tf_entry(armed_state(), entry(with_tf, next_instruction::syscall));
    const auto d1 = decide_tf_exit(p1.state, db_exit(bs, plain));
    return d.fix_r11 && !d.r11_tf && !has(d.state, state_flag::guest_tf) && d1.fix_r11 && d1.r11_tf &&
           d1.guest_db == bs && !has(d1.state, state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfEngine, SyscallR11CarriesGuestTf, check_syscall_r11_carries_guest_tf)

// SYSRET loading TF=1 traps right after SYSRET: that trap is the guest's
// already (unlike POPF's, which comes after the next instruction).
constexpr bool check_sysret_loading_tf_traps_at_once() {
    const auto p = plan_tf_entry(armed_state(), entry(plain, classify_next(hvstep::x86::instruction_kind::sysret)));
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    const auto p0 = plan_tf_entry(armed_state(), entry(plain, next_instruction::sysret));
    const auto d0 = decide_tf_exit(p0.state, db_exit(bs, plain));
    return has(d.state, state_flag::guest_tf) && d.guest_db == bs && d.report.any() &&
           !has(d0.state, state_flag::guest_tf) && d0.guest_db == 0;
}
HVSTEP_DUAL_TEST(TfEngine, SysretLoadingTfTrapsAtOnce, check_sysret_loading_tf_traps_at_once)

constexpr bool check_sysenter_keeps_guest_tf() {
    const auto p = plan_tf_entry(armed_state(), entry(with_tf, classify_next(hvstep::x86::instruction_kind::sysenter)));
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    return has(d.state, state_flag::guest_tf) && d.guest_db == bs;
}
HVSTEP_DUAL_TEST(TfEngine, SysenterKeepsGuestTf, check_sysenter_keeps_guest_tf)

// Rule 11: a fault during a TF step is re-injected with the guest's flags.
constexpr bool check_fault_during_step_is_reinjected() {
    const auto p = plan_tf_entry(armed_state(), entry(plain));
    tf_exit_input in{};
    in.kind = tf_exit_kind::exception;
    in.vector = static_cast<std::uint8_t>(hvstep::x86::vector::gp);
    in.rflags = with_tf;
    in.rip = 0x3000;
    const auto d = decide_tf_exit(p.state, in);
    if (!d.reinject_event || d.report.cause != step_cause::event_delivery || d.hypervisor_handles) return false;
    auto next = entry(with_tf);
    next.injecting = true;
    const auto p2 = plan_tf_entry(d.state, next);
    return !rflags::tf.is_set(p2.rflags);  // delivery pushes the guest's TF (0)
}
HVSTEP_DUAL_TEST(TfEngine, FaultDuringStepIsReinjected, check_fault_during_step_is_reinjected)

constexpr bool check_hypervisors_own_exception_is_left_to_it() {
    const auto p = plan_tf_entry(armed_state(), entry(plain));
    tf_exit_input in{};
    in.kind = tf_exit_kind::exception;
    in.vector = 14;
    in.hypervisor_intercepts = true;
    const auto d = decide_tf_exit(p.state, in);
    tf_exit_input v = in;
    v.hypervisor_intercepts = false;
    v.vectoring = true;
    const auto dv = decide_tf_exit(p.state, v);
    return d.hypervisor_handles && !d.reinject_event && dv.hypervisor_handles && !dv.reinject_event;
}
HVSTEP_DUAL_TEST(TfEngine, HypervisorsOwnExceptionIsLeftToIt, check_hypervisors_own_exception_is_left_to_it)

// ICEBP/INT1 is never a step: no BS, re-injected as it was.
constexpr bool check_icebp_is_never_a_step() {
    const auto p = plan_tf_entry(armed_state(), entry(plain));
    tf_exit_input in{};
    in.kind = tf_exit_kind::icebp;
    const auto d = decide_tf_exit(p.state, in);
    return d.reinject_event && d.guest_db == 0 && d.report.cause == step_cause::event_delivery;
}
HVSTEP_DUAL_TEST(TfEngine, IcebpIsNeverAStep, check_icebp_is_never_a_step)

// Rule 16: one trap serves every client and the guest's #DB survives.
constexpr bool check_two_clients_share_one_trap() {
    auto s = arm(step_state{}, clients::debugger, granularity::instruction, persistence::continuous, true, false).state;
    s = arm(s, clients::nmi_window, granularity::instruction, persistence::one_step, true, false).state;
    const auto p = plan_tf_entry(s, entry(with_tf));
    const auto d = decide_tf_exit(p.state, db_exit(bs, with_tf));
    const auto both = client_set::only(clients::debugger) | client_set::only(clients::nmi_window);
    return d.report.clients == both && d.guest_db == bs &&
           d.state.armed_clients() == client_set::only(clients::debugger);
}
HVSTEP_DUAL_TEST(TfEngine, TwoClientsShareOneTrap, check_two_clients_share_one_trap)

// Rule 17: exits unrelated to stepping change nothing.
constexpr bool check_unrelated_exit_changes_nothing() {
    const auto p = plan_tf_entry(armed_state(), entry(plain));
    const auto d = decide_tf_exit(p.state, tf_exit_input{});
    return d.hypervisor_handles && !d.report.any() && d.state.flags == p.state.flags &&
           d.state.armed == p.state.armed;
}
HVSTEP_DUAL_TEST(TfEngine, UnrelatedExitChangesNothing, check_unrelated_exit_changes_nothing)

// Rule 12: emulation completes the step.
constexpr bool check_emulated_instruction_completes_step() {
    const auto p = plan_tf_entry(armed_state(persistence::one_step), entry(plain));
    const auto d = decide_after_emulation(p.state, with_tf, 0x5000);
    const auto p1 = plan_tf_entry(armed_state(), entry(with_tf));
    const auto d1 = decide_after_emulation(p1.state, with_tf, 0x5000);
    const auto idle = decide_after_emulation(step_state{}, with_tf, 0x5000);
    return d.report.cause == step_cause::emulated_instruction && d.report.rip == 0x5000 && d.guest_db == 0 &&
           !d.state.is_armed() && d1.guest_db == bs && !idle.report.any() && idle.guest_db == bs;
}
HVSTEP_DUAL_TEST(TfEngine, EmulatedInstructionCompletesStep, check_emulated_instruction_completes_step)

// ---- MTF ----

constexpr bool check_mtf_arm_disarm() {
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, false, false).state;
    auto p = plan_mtf_entry(s, false);
    if (!p.mtf_control || !p.changed) return false;
    p = plan_mtf_entry(p.state, false);
    if (p.changed) return false;  // no rewrite while unchanged
    p = plan_mtf_entry(disarm(p.state, client_set::only(0)), false);
    return !p.mtf_control && p.changed && !plan_mtf_entry(p.state, false).changed;
}
HVSTEP_DUAL_TEST(MtfEngine, MtfArmDisarm, check_mtf_arm_disarm)

constexpr bool check_mtf_exit_reported() {
    const auto s = arm(step_state{}, 1, granularity::instruction, persistence::one_step, false, false).state;
    const auto p = plan_mtf_entry(s, false);
    const auto d = decide_mtf_exit(p.state, true, 0x7000);
    return d.report.clients == client_set::only(1) && d.report.cause == step_cause::instruction &&
           !d.hypervisor_handles && !d.state.is_armed();
}
HVSTEP_DUAL_TEST(MtfEngine, MtfExitReported, check_mtf_exit_reported)

constexpr bool check_mtf_step_into_ends_at_handler() {
    const auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, false, true).state;
    if (events_held(s)) return false;
    const auto p = plan_mtf_entry(s, true);
    const auto d = decide_mtf_exit(p.state, true, 0xFFFF'8000'0000'1000ULL);
    return d.report.cause == step_cause::event_delivery;
}
HVSTEP_DUAL_TEST(MtfEngine, MtfStepIntoEndsAtHandler, check_mtf_step_into_ends_at_handler)

constexpr bool check_events_held_while_armed() {
    const auto hold = arm(step_state{}, 0, granularity::instruction, persistence::continuous, false, false).state;
    return events_held(hold) && !events_held(step_state{});
}
HVSTEP_DUAL_TEST(MtfEngine, EventsHeldWhileArmed, check_events_held_while_armed)

// An MTF exit after every client disarmed, before the entry that turns the
// control off, is hvstep's own and consumed; one hvstep never asked for is
// the hypervisor's.
constexpr bool check_stale_mtf_exit_is_consumed() {
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, false, false).state;
    s = disarm(plan_mtf_entry(s, false).state, client_set::only(0));
    const auto stale = decide_mtf_exit(s, true, 0);
    const auto never_asked = decide_mtf_exit(step_state{}, true, 0);
    const auto other = decide_mtf_exit(step_state{}, false, 0);
    return !stale.report.any() && !stale.hypervisor_handles && never_asked.hypervisor_handles &&
           !never_asked.report.any() && other.hypervisor_handles;
}
HVSTEP_DUAL_TEST(MtfEngine, StaleMtfExitIsConsumed, check_stale_mtf_exit_is_consumed)

constexpr bool check_mtf_keeps_hypervisors_control() {
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, false, false).state;
    s = record_hypervisor_mtf(plan_mtf_entry(s, false).state, true);
    const auto d = decide_mtf_exit(s, true, 0x10);
    return d.report.any() && d.hypervisor_handles && mtf_control_after_disarm(d.state);
}
HVSTEP_DUAL_TEST(MtfEngine, MtfKeepsHypervisorsControl, check_mtf_keeps_hypervisors_control)

}  // namespace

namespace {
using namespace hvstep::core;
namespace rflags2 = hvstep::x86::rflags;
constexpr std::uint64_t plain2 = rflags2::reserved_one.mask;
constexpr std::uint64_t tf2 = rflags2::tf.mask;

// The intercepted vectors: every resumable fault and trap, never NMI, the
// aborts or reserved vectors (SVM leaves bits 2 and 9 undefined).
constexpr bool check_stepping_intercepts_are_resumable_vectors() {
    std::uint32_t expected = 0;
    for (unsigned v : {0U, 1U, 3U, 4U, 5U, 6U, 7U, 10U, 11U, 12U, 13U, 14U, 16U, 17U, 19U, 20U, 21U}) {
        expected |= std::uint32_t{1} << v;
    }
    return stepping_exception_intercepts == expected;
}
HVSTEP_DUAL_TEST(TfEngine, SteppingInterceptsAreResumableVectors, check_stepping_intercepts_are_resumable_vectors)

// The trap of an emulated instruction is decided by the guest's TF at its
// start: an emulated POPF that clears TF still owes the guest its #DB, one
// that sets TF owes nothing yet (SDM Vol. 3B §18.3.1.4).
constexpr bool check_emulated_popf_decided_by_tf_at_start() {
    // Not forcing (idle): the register is the guest's.
    auto w = write_guest_rflags(step_state{}, plain2, plain2 | tf2);  // POPF clears TF
    const auto cleared = decide_after_emulation(w.state, w.real_rflags, 0x10);
    auto w1 = write_guest_rflags(step_state{}, plain2 | tf2, plain2);  // POPF sets TF
    const auto set = decide_after_emulation(w1.state, w1.real_rflags, 0x10);
    // Forcing: the recorded start is the guest's own TF, not hvstep's.
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, true, false).state;
    tf_entry_input in{};
    in.rflags = plain2;
    s = plan_tf_entry(s, in).state;
    auto w2 = write_guest_rflags(s, plain2 | tf2, plain2 | tf2);  // real holds hvstep's TF
    const auto forced = decide_after_emulation(w2.state, w2.real_rflags, 0x10);
    return cleared.guest_db != 0 && set.guest_db == 0 && forced.guest_db == 0 &&
           has(forced.state, state_flag::guest_tf) && !has_more(cleared.state, more_flag::emulation_tf_recorded);
}
HVSTEP_DUAL_TEST(TfEngine, EmulatedPopfDecidedByTfAtStart, check_emulated_popf_decided_by_tf_at_start)

// The record lives for one exit: the next entry forgets it.
constexpr bool check_emulation_record_ends_at_entry() {
    const auto w = write_guest_rflags(step_state{}, plain2, plain2 | tf2);
    return has_more(w.state, more_flag::emulation_tf_recorded) &&
           !has_more(end_of_exit(w.state), more_flag::emulation_tf_recorded);
}
HVSTEP_DUAL_TEST(TfEngine, EmulationRecordEndsAtEntry, check_emulation_record_ends_at_entry)
}  // namespace

namespace {
using namespace hvstep::core;
// Rule 13: a REP string instruction traps after each iteration (SDM Vol. 3B
// §18.3.1.4; RIP stays on the instruction until RCX runs out), and MTF exits
// after each iteration (SDM Vol. 3C §26.5.2): each is one step, and nothing
// about TF changes between them.
constexpr bool check_rep_iteration_is_one_step() {
    const std::uint8_t rep_movsb[] = {0xF3, 0xA4};
    const auto hint = classify_next(rep_movsb, sizeof rep_movsb, hvstep::x86::code_size::bits64);
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, true, false).state;
    tf_entry_input in{};
    in.rflags = hvstep::x86::rflags::reserved_one.mask;
    in.next = hint;
    unsigned reports = 0;
    for (int iteration = 0; iteration < 3; ++iteration) {
        s = plan_tf_entry(s, in).state;
        tf_exit_input db{};
        db.kind = tf_exit_kind::debug_exception;
        db.conditions = static_cast<std::uint32_t>(hvstep::x86::dr6::bs.mask);
        db.rflags = hvstep::x86::rflags::reserved_one.mask | hvstep::x86::rflags::tf.mask;
        db.rip = 0x1000;  // still the REP MOVSB
        const auto d = decide_tf_exit(s, db);
        if (d.report.any() && d.report.rip == 0x1000 && d.guest_db == 0 && !d.fixup_needed()) ++reports;
        s = d.state;
    }
    // MTF: one exit per iteration too.
    auto m = arm(step_state{}, 0, granularity::instruction, persistence::continuous, false, false).state;
    unsigned mtf_reports = 0;
    for (int iteration = 0; iteration < 3; ++iteration) {
        m = plan_mtf_entry(m, false).state;
        const auto d = decide_mtf_exit(m, true, 0x1000);
        if (d.report.cause == step_cause::instruction) ++mtf_reports;
        m = d.state;
    }
    return hint == next_instruction::ordinary && reports == 3 && mtf_reports == 3 &&
           !has(s, state_flag::guest_tf);
}
HVSTEP_DUAL_TEST(TfEngine, RepIterationIsOneStep, check_rep_iteration_is_one_step)
}  // namespace

namespace {
using namespace hvstep::core;
// Rule "btf_guest_write": a guest WRMSR of DEBUGCTL while hvstep owns BTF
// keeps hvstep's BTF in the register and the guest's in the state, which
// comes back at disarm and is what the guest reads (found by the simulator's
// guest_btf scenario).
constexpr bool check_guest_debugctl_write_while_forced() {
    namespace debugctl = hvstep::x86::debugctl;
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, true, false).state;
    tf_entry_input in{};
    in.rflags = hvstep::x86::rflags::reserved_one.mask;
    s = plan_tf_entry(s, in).state;  // forcing, real BTF 0
    const auto w = write_guest_debugctl(s, debugctl::btf.mask | debugctl::lbr.mask, 0);
    const bool kept = w.real_debugctl == debugctl::lbr.mask && has(w.state, state_flag::guest_btf) &&
                      guest_view_of_debugctl(w.state, w.real_debugctl) == (debugctl::btf.mask | debugctl::lbr.mask);
    const auto back = plan_tf_entry(disarm(w.state, client_set::only(0)), in);
    const auto idle = write_guest_debugctl(step_state{}, debugctl::btf.mask, 0);
    return kept && back.btf && idle.real_debugctl == debugctl::btf.mask;
}
HVSTEP_DUAL_TEST(TfEngine, GuestDebugctlWriteWhileForced, check_guest_debugctl_write_while_forced)
}  // namespace

namespace {
using namespace hvstep::core;
// An intercepted exception is a boundary for armed clients even on an entry
// where hvstep did not force TF (the one after an injection): found by the
// demo's vmx-tf run (INT3 right after the guest's own #DB returned).
constexpr bool check_delivery_reported_without_forced_tf() {
    auto s = arm(step_state{}, 0, granularity::instruction, persistence::continuous, true, false).state;
    tf_entry_input in{};
    in.rflags = hvstep::x86::rflags::reserved_one.mask;
    in.injecting = true;
    s = plan_tf_entry(s, in).state;  // not forced
    tf_exit_input bp{};
    bp.kind = tf_exit_kind::exception;
    bp.vector = static_cast<std::uint8_t>(hvstep::x86::vector::bp);
    bp.rip = 0x1002a;
    const auto d = decide_tf_exit(s, bp);
    return !has(s, state_flag::tf_forced) && d.reinject_event && d.report.cause == step_cause::event_delivery &&
           d.report.clients == client_set::only(0);
}
HVSTEP_DUAL_TEST(TfEngine, DeliveryReportedWithoutForcedTf, check_delivery_reported_without_forced_tf)
}  // namespace
