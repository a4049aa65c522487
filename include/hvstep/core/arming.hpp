#pragma once
// The arming machine: which clients are armed, for what granularity, and for
// how long. Arming and disarming only change the step state; the hardware
// controls follow at the next entry (see tf_engine.hpp / mtf_engine.hpp), so a
// client may arm or disarm at any time, even between an exit and the entry.
//
//   state      | event                      | next state
//   -----------+----------------------------+---------------------------------
//   idle       | arm(c, g, p)               | armed{c}
//   armed{S}   | arm(c, g, p)               | armed{S + c} (c's request replaced)
//   armed{S}   | disarm(c)                  | armed{S - c}, idle when empty
//   armed{S}   | step reported to R         | armed{S - (R & one_step)}
//   any        | disarm(c not armed)        | unchanged (defined, harmless)

#include <cstdint>

#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"
#include "hvstep/x86/dr6.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

enum class arm_result : std::uint8_t {
    armed,
    invalid_client,           // client number 8 or above
    unsupported_granularity,  // branch steps need TF+BTF; MTF cannot branch-step (SDM Vol. 3C §26.5.2)
};

struct arming {
    step_state state;
    arm_result result;
};

namespace detail {
constexpr std::uint8_t assign_bit(std::uint8_t set, std::uint8_t bit, bool on) noexcept {
    return static_cast<std::uint8_t>(on ? (set | bit) : (set & ~bit));
}
}  // namespace detail

// Arm `client`. `branch_capable` is the mechanism's ability to branch-step;
// `step_into` records the MTF event policy (callers with TF mechanisms cannot
// pass true: their arm() overloads accept only hold_events_t).
constexpr arming arm(step_state s, unsigned client, granularity g, persistence p, bool branch_capable,
                     bool step_into) noexcept {
    if (client >= 8U) return {s, arm_result::invalid_client};
    if (g == granularity::branch && !branch_capable) return {s, arm_result::unsupported_granularity};
    const auto bit = client_set::only(client).bits;
    s.armed = static_cast<std::uint8_t>(s.armed | bit);
    s.branch_only = detail::assign_bit(s.branch_only, bit, g == granularity::branch);
    s.one_step = detail::assign_bit(s.one_step, bit, p == persistence::one_step);
    s = with_flag(s, state_flag::step_into, step_into);
    return {s, arm_result::armed};
}

constexpr step_state disarm(step_state s, client_set which) noexcept {
    s.armed = static_cast<std::uint8_t>(s.armed & ~which.bits);
    s.branch_only = static_cast<std::uint8_t>(s.branch_only & s.armed);
    s.one_step = static_cast<std::uint8_t>(s.one_step & s.armed);
    if (s.armed == 0) s = with_flag(s, state_flag::step_into, false);
    return s;
}

// After a report: one-step clients that were told are done.
constexpr step_state retire_reported(step_state s, client_set reported) noexcept {
    return disarm(s, reported & client_set{s.one_step});
}

// Branch granularity is used only when every armed client asked for it: one
// trap serves all clients, so the finest request wins and branch clients are
// then told of every instruction (documented in docs/step-rules.md).
constexpr bool wants_branch_step(const step_state& s) noexcept {
    return s.armed != 0 && (s.branch_only & s.armed) == s.armed;
}

// Claim DR0-DR3 slots (bit n for DRn) for clients' own breakpoints; hits in
// them are reported to `owners` and never reach the guest. Claiming 0 slots
// gives them all back to the guest. The hypervisor programs DR0-DR3/DR7.
constexpr step_state claim_breakpoints(step_state s, std::uint8_t dr_slots, client_set owners) noexcept {
    s.host_breakpoints = static_cast<std::uint8_t>(dr_slots & x86::dr6::breakpoint_hits.mask);
    s.breakpoint_owners = s.host_breakpoints != 0 ? owners.bits : std::uint8_t{0};
    return s;
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
