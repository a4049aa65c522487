// The arming machine (core/arming.hpp) and the step state's size.
#include <gtest/gtest.h>

#include "dual_test.hpp"
#include "hvstep/core/arming.hpp"

namespace {
using namespace hvstep::core;

static_assert(sizeof(step_state) <= 16, "step state budget");

constexpr bool check_arm_then_disarm_returns_to_idle() {
    auto a = arm(step_state{}, clients::debugger, granularity::instruction, persistence::continuous, true, false);
    if (a.result != arm_result::armed || !a.state.is_armed()) return false;
    const auto s = disarm(a.state, client_set::only(clients::debugger));
    return !s.is_armed() && s.branch_only == 0 && s.one_step == 0;
}
HVSTEP_DUAL_TEST(Arming, ArmThenDisarmReturnsToIdle, check_arm_then_disarm_returns_to_idle)

constexpr bool check_invalid_client_is_refused() {
    const auto a = arm(step_state{}, 8, granularity::instruction, persistence::continuous, true, false);
    return a.result == arm_result::invalid_client && !a.state.is_armed();
}
HVSTEP_DUAL_TEST(Arming, InvalidClientIsRefused, check_invalid_client_is_refused)

constexpr bool check_mtf_cannot_branch_step() {
    const auto a = arm(step_state{}, 0, granularity::branch, persistence::continuous, false, false);
    return a.result == arm_result::unsupported_granularity && !a.state.is_armed();
}
HVSTEP_DUAL_TEST(Arming, MtfCannotBranchStep, check_mtf_cannot_branch_step)

constexpr bool check_branch_step_only_when_every_client_wants_it() {
    auto s = arm(step_state{}, 0, granularity::branch, persistence::continuous, true, false).state;
    if (!wants_branch_step(s)) return false;
    s = arm(s, 1, granularity::instruction, persistence::continuous, true, false).state;
    if (wants_branch_step(s)) return false;  // the finest request wins
    s = disarm(s, client_set::only(1));
    return wants_branch_step(s);
}
HVSTEP_DUAL_TEST(Arming, BranchStepOnlyWhenEveryClientWantsIt, check_branch_step_only_when_every_client_wants_it)

constexpr bool check_one_step_clients_retire_after_report() {
    auto s = arm(step_state{}, clients::nmi_window, granularity::instruction, persistence::one_step, true, false).state;
    s = arm(s, clients::debugger, granularity::instruction, persistence::continuous, true, false).state;
    s = retire_reported(s, s.armed_clients());
    return s.armed_clients() == client_set::only(clients::debugger);
}
HVSTEP_DUAL_TEST(Arming, OneStepClientsRetireAfterReport, check_one_step_clients_retire_after_report)

constexpr bool check_disarm_of_unarmed_client_is_harmless() {
    auto s = arm(step_state{}, 3, granularity::instruction, persistence::continuous, true, false).state;
    const auto before = s;
    s = disarm(s, client_set::only(5));
    return s.armed == before.armed && s.flags == before.flags;
}
HVSTEP_DUAL_TEST(Arming, DisarmOfUnarmedClientIsHarmless, check_disarm_of_unarmed_client_is_harmless)

constexpr bool check_arm_twice_keeps_one_request() {
    auto s = arm(step_state{}, 2, granularity::branch, persistence::one_step, true, false).state;
    s = arm(s, 2, granularity::instruction, persistence::continuous, true, false).state;
    return s.armed_clients() == client_set::only(2) && s.branch_only == 0 && s.one_step == 0;
}
HVSTEP_DUAL_TEST(Arming, ArmTwiceReplacesTheRequest, check_arm_twice_keeps_one_request)

constexpr bool check_claimed_breakpoints_are_bounded_to_four_slots() {
    const auto s = claim_breakpoints(step_state{}, 0xFF, client_set::only(0));
    return s.host_breakpoints == 0x0F && s.breakpoint_owners == 1 &&
           claim_breakpoints(s, 0, client_set::only(0)).breakpoint_owners == 0;
}
HVSTEP_DUAL_TEST(Arming, ClaimedBreakpointsAreBoundedToFourSlots, check_claimed_breakpoints_are_bounded_to_four_slots)

}  // namespace
