// Rule tests for core/db_disposition.hpp and core/dr6_rules.hpp: whose #DB condition is whose.
#include <gtest/gtest.h>

#include "dual_test.hpp"
#include "hvstep/core/arming.hpp"
#include "hvstep/core/db_disposition.hpp"
#include "hvstep/core/dr6_rules.hpp"

namespace {
using namespace hvstep::core;
namespace dr6 = hvstep::x86::dr6;
namespace dr7 = hvstep::x86::dr7;

constexpr std::uint32_t bs = static_cast<std::uint32_t>(dr6::bs.mask);
constexpr std::uint32_t b0 = static_cast<std::uint32_t>(dr6::b0.mask);
constexpr std::uint32_t b1 = static_cast<std::uint32_t>(dr6::b1.mask);
constexpr std::uint32_t bd = static_cast<std::uint32_t>(dr6::bd.mask);
constexpr std::uint32_t bt = static_cast<std::uint32_t>(dr6::bt.mask);
constexpr std::uint32_t rtm = static_cast<std::uint32_t>(dr6::rtm.mask);
// DR0 an enabled execute breakpoint, DR1 an enabled write breakpoint.
constexpr std::uint64_t dr7_exec0_write1 = dr7::init_value | dr7::l0.mask | dr7::l1.mask | dr7::rw1.set(0, 1);

constexpr step_state tf_step(bool guest_tf) {
    step_state s{};
    s.armed = client_set::only(0).bits;
    s = with_flag(s, state_flag::tf_forced, true);
    return with_flag(s, state_flag::guest_tf, guest_tf);
}

constexpr bool check_bs_is_clients_when_hvstep_forced_tf() {
    const auto d = route_db(tf_step(false), mechanism::trap_flag, bs, dr7::init_value, 0x1000, false);
    return d.report.clients == client_set::only(0) && d.report.cause == step_cause::instruction &&
           d.report.rip == 0x1000 && !d.reinject() && !d.hypervisor_handles;
}
HVSTEP_DUAL_TEST(DbDisposition, BsIsClientsWhenHvstepForcedTf, check_bs_is_clients_when_hvstep_forced_tf)

constexpr bool check_bs_is_both_when_guest_owned_tf_too() {
    const auto d = route_db(tf_step(true), mechanism::trap_flag, bs, dr7::init_value, 0, false);
    return d.report.any() && d.guest_conditions == bs && !d.guest_fault_class;
}
HVSTEP_DUAL_TEST(DbDisposition, BsIsBothWhenGuestOwnedTfToo, check_bs_is_both_when_guest_owned_tf_too)

// MTF never sets TF: every BS is the guest's.
constexpr bool check_bs_under_mtf_is_the_guests() {
    step_state s{};
    s.armed = 1;
    const auto d = route_db(s, mechanism::monitor_trap_flag, bs, dr7::init_value, 0, false);
    return !d.report.any() && d.guest_conditions == bs;
}
HVSTEP_DUAL_TEST(DbDisposition, BsUnderMtfIsTheGuests, check_bs_under_mtf_is_the_guests)

// Never swallow the guest's #DB: a BS nobody in hvstep's records owns is the guest's.
constexpr bool check_unowned_bs_goes_to_guest() {
    const auto d = route_db(step_state{}, mechanism::trap_flag, bs, dr7::init_value, 0, false);
    return !d.report.any() && d.guest_conditions == bs;
}
HVSTEP_DUAL_TEST(DbDisposition, UnownedBsGoesToGuest, check_unowned_bs_goes_to_guest)

// A stale trap from hvstep's own TF after every client disarmed is consumed silently.
constexpr bool check_stale_forced_trap_is_consumed() {
    auto s = tf_step(false);
    s.armed = 0;
    const auto d = route_db(s, mechanism::trap_flag, bs, dr7::init_value, 0, false);
    return !d.report.any() && !d.reinject() && !d.hypervisor_handles;
}
HVSTEP_DUAL_TEST(DbDisposition, StaleForcedTrapIsConsumed, check_stale_forced_trap_is_consumed)

// B0-B3, BD, BT and RTM are the guest's; the hypervisor's BS never rides along.
constexpr bool check_guest_conditions_carry_no_hypervisor_bs() {
    const auto d = route_db(tf_step(false), mechanism::trap_flag, bs | b1 | bt, dr7_exec0_write1, 0, false);
    return d.report.any() && d.guest_conditions == (b1 | bt) && (d.guest_conditions & bs) == 0 &&
           !d.guest_fault_class;
}
HVSTEP_DUAL_TEST(DbDisposition, GuestConditionsCarryNoHypervisorBs, check_guest_conditions_carry_no_hypervisor_bs)

// SDM Table 18-2: an instruction breakpoint and BD are faults; a data
// breakpoint, BS and BT are traps. The class goes back unchanged.
constexpr bool check_trap_never_reinjected_as_fault() {
    const auto data = route_db(tf_step(false), mechanism::trap_flag, b1, dr7_exec0_write1, 0, false);
    const auto exec = route_db(tf_step(false), mechanism::trap_flag, b0, dr7_exec0_write1, 0, false);
    const auto gd = route_db(tf_step(false), mechanism::trap_flag, bd, dr7::init_value, 0, false);
    return !data.guest_fault_class && data.guest_conditions == b1 && exec.guest_fault_class &&
           exec.guest_conditions == b0 && gd.guest_fault_class && gd.guest_conditions == bd;
}
HVSTEP_DUAL_TEST(DbDisposition, TrapNeverReinjectedAsFault, check_trap_never_reinjected_as_fault)

constexpr bool check_rtm_condition_goes_to_guest_as_fault() {
    const auto d = route_db(tf_step(false), mechanism::trap_flag, rtm | b0, dr7_exec0_write1, 0, false);
    return d.guest_conditions == (rtm | b0) && d.guest_fault_class;
}
HVSTEP_DUAL_TEST(DbDisposition, RtmConditionGoesToGuestAsFault, check_rtm_condition_goes_to_guest_as_fault)

// SDM §18.3.1.1: a consumed instruction-breakpoint fault resumes with RF=1.
constexpr bool check_rf_set_after_consumed_instruction_breakpoint() {
    auto s = claim_breakpoints(step_state{}, 0x1, client_set::only(3));
    const auto d = route_db(s, mechanism::trap_flag, b0, dr7_exec0_write1, 0x4000, false);
    return d.report.clients == client_set::only(3) && d.report.cause == step_cause::host_breakpoint &&
           d.resume_with_rf && !d.reinject();
}
HVSTEP_DUAL_TEST(DbDisposition, RfSetAfterConsumedInstructionBreakpoint,
                 check_rf_set_after_consumed_instruction_breakpoint)

constexpr bool check_guest_breakpoint_in_unclaimed_slot_is_the_guests() {
    auto s = claim_breakpoints(step_state{}, 0x1, client_set::only(3));
    const auto d = route_db(s, mechanism::trap_flag, b1, dr7_exec0_write1, 0, false);
    return !d.report.any() && d.guest_conditions == b1 && !d.resume_with_rf;
}
HVSTEP_DUAL_TEST(DbDisposition, GuestBreakpointInUnclaimedSlotIsTheGuests,
                 check_guest_breakpoint_in_unclaimed_slot_is_the_guests)

// A #DB hvstep takes no part in, behind an intercept the hypervisor set
// itself, stays the hypervisor's, untouched.
constexpr bool check_hypervisors_own_db_is_left_alone() {
    const auto d = route_db(step_state{}, mechanism::trap_flag, b0, dr7_exec0_write1, 0, true);
    return d.hypervisor_handles && !d.reinject() && !d.report.any();
}
HVSTEP_DUAL_TEST(DbDisposition, HypervisorsOwnDbIsLeftAlone, check_hypervisors_own_db_is_left_alone)

// Reserved bits in the exit's report are not conditions.
constexpr bool check_reserved_bits_are_not_routed() {
    const std::uint32_t junk = 0xFFFE'0FF0U & ~static_cast<std::uint32_t>(dr6::condition_bits);
    const auto d = route_db(step_state{}, mechanism::trap_flag, junk, dr7::init_value, 0, false);
    return d.guest_conditions == 0 && !d.report.any();
}
HVSTEP_DUAL_TEST(DbDisposition, ReservedBitsAreNotRouted, check_reserved_bits_are_not_routed)

// ---- DR6 payload merge (SDM §18.2.3) ----

constexpr bool check_dr6_merge_payload() {
    // From the reset value, a BS payload gives exactly DR6 with BS.
    if (merge_into_dr6(dr6::init_value, bs) != (dr6::init_value | dr6::bs.mask)) return false;
    // BS, BD and BT are sticky; B0-B3 show this #DB's breakpoints only.
    const std::uint64_t old = dr6::init_value | dr6::bd.mask | dr6::b2.mask;
    const std::uint64_t merged = merge_into_dr6(old, b1);
    if (merged != (dr6::init_value | dr6::bd.mask | dr6::b1.mask)) return false;
    // RTM is active-low in the register.
    return !dr6::rtm.is_set(merge_into_dr6(dr6::init_value, rtm));
}
HVSTEP_DUAL_TEST(DbDisposition, Dr6MergePayload, check_dr6_merge_payload)

constexpr bool check_dr6_merge_keeps_reserved_ones() {
    const std::uint64_t merged = merge_into_dr6(0, 0);
    return (merged & dr6::reserved_ones) == dr6::reserved_ones;
}
HVSTEP_DUAL_TEST(DbDisposition, Dr6MergeKeepsReservedOnes, check_dr6_merge_keeps_reserved_ones)

}  // namespace

namespace {
// SDM §18.2.3: RTM is "set for any other debug exception": every #DB rewrites it.
constexpr bool check_dr6_merge_rewrites_rtm() {
    const std::uint64_t after_rtm_db = merge_into_dr6(dr6::init_value, rtm);
    const std::uint64_t next_db = merge_into_dr6(after_rtm_db, bs);
    return !dr6::rtm.is_set(after_rtm_db) && dr6::rtm.is_set(next_db) && dr6::bs.is_set(next_db);
}
HVSTEP_DUAL_TEST(DbDisposition, Dr6MergeRewritesRtm, check_dr6_merge_rewrites_rtm)

// Rule "db_delivery_side_effects": delivering a #DB clears DR7.GD and
// DEBUGCTL.BTF/LBR; injection does not, so an injected #DB applies them.
constexpr bool check_db_delivery_side_effects() {
    namespace debugctl = hvstep::x86::debugctl;
    const std::uint64_t dr7v = dr7::init_value | dr7::gd.mask | dr7::l0.mask;
    const std::uint64_t ctl = debugctl::lbr.mask | debugctl::btf.mask | debugctl::freeze_lbrs_on_pmi.mask;
    return dr7_after_db_delivery(dr7v) == (dr7::init_value | dr7::l0.mask) &&
           debugctl_after_db_delivery(ctl) == debugctl::freeze_lbrs_on_pmi.mask &&
           dr7_after_db_delivery(dr7::init_value) == dr7::init_value;
}
HVSTEP_DUAL_TEST(DbDisposition, DbDeliverySideEffects, check_db_delivery_side_effects)
}  // namespace

namespace {
// Completeness: a single-step trap raised by the guest's own TF on an entry
// where hvstep did not force TF (after an injection) is still an instruction
// boundary for the armed clients, and still the guest's.
constexpr bool check_guest_own_trap_is_a_step_for_armed_clients() {
    step_state s{};
    s.armed = client_set::only(0).bits;
    s = with_flag(s, state_flag::guest_tf, true);  // tf_forced is false
    const auto d = route_db(s, mechanism::trap_flag, bs, dr7::init_value, 0x3000, false);
    return d.report.clients == client_set::only(0) && d.report.cause == step_cause::instruction &&
           d.guest_conditions == bs;
}
HVSTEP_DUAL_TEST(DbDisposition, GuestOwnTrapIsAStepForArmedClients, check_guest_own_trap_is_a_step_for_armed_clients)

// A #DB the guest never receives leaves the GD it had (SVM may clear it before the intercept).
constexpr bool check_hidden_db_leaves_dr7() {
    return dr7_after_hidden_db(dr7::init_value, true) == (dr7::init_value | dr7::gd.mask) &&
           dr7_after_hidden_db(dr7::init_value, false) == dr7::init_value;
}
HVSTEP_DUAL_TEST(DbDisposition, HiddenDbLeavesDr7, check_hidden_db_leaves_dr7)
}  // namespace
