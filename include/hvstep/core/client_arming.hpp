#pragma once
// The client-facing half every policy shares: arm, disarm, claim breakpoints,
// ask whether events are held. Policies derive from it and add their hooks, so
// the arming API is written once and its compile-time refusals are the same
// everywhere (a TF mechanism cannot step into event handlers, MTF cannot
// branch-step or own breakpoints).

#include <cstdint>
#include <type_traits>

#include "hvstep/core/arming.hpp"
#include "hvstep/core/db_disposition.hpp"
#include "hvstep/core/mtf_engine.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

template <mechanism M>
class client_arming {
    using mechanism_type = core::mechanism;

public:
    static constexpr core::mechanism mechanism = M;

    constexpr client_arming() noexcept = default;
    constexpr explicit client_arming(step_state state) noexcept : state_(state) {}

    // Arm `client` (0-7). Branch granularity needs TF+BTF: an MTF policy
    // answers arm_result::unsupported_granularity.
    constexpr arm_result arm(unsigned client, granularity g = granularity::instruction,
                             persistence p = persistence::continuous, hold_events_t = hold_events) noexcept {
        return commit(core::arm(state_, client, g, p, M == mechanism_type::trap_flag, false));
    }

    // Step into event handlers: the step ends at the handler's first
    // instruction (SDM Vol. 3C §26.5.2). Only MTF can; a TF policy would push
    // its TF into the handler's frame, so asking one does not compile.
    template <class EventPolicy, std::enable_if_t<std::is_same<EventPolicy, step_into_events_t>::value, int> = 0>
    constexpr arm_result arm(unsigned client, granularity g, persistence p, EventPolicy) noexcept {
        static_assert(M == mechanism_type::monitor_trap_flag,
                      "hvstep: a TF policy cannot step into event handlers (delivery pushes RFLAGS with TF); "
                      "only vmx::mtf_stepper can, and SVM has no MTF: hold events while stepping");
        return commit(core::arm(state_, client, g, p, false, true));
    }

    constexpr void disarm(unsigned client) noexcept { state_ = core::disarm(state_, client_set::only(client)); }
    constexpr void disarm_all() noexcept { state_ = core::disarm(state_, state_.armed_clients()); }

    // Claim DR0-DR3 slots (bit n for DRn) for `owner`'s own breakpoints: their
    // hits are reported to it and never reach the guest. Only TF policies
    // intercept #DB; under MTF the hypervisor's own #DB handling owns them.
    template <mechanism_type Self = M>
    constexpr void claim_breakpoints(std::uint8_t dr_slots, unsigned owner) noexcept {
        static_assert(Self == mechanism_type::trap_flag,
                      "hvstep: breakpoint slots are routed by the TF policies' #DB intercept; MTF does not intercept #DB");
        state_ = core::claim_breakpoints(state_, dr_slots, client_set::only(owner));
    }

    // The hypervisor asks this before injecting an interrupt or NMI.
    constexpr bool events_held() const noexcept { return core::events_held(state_); }
    constexpr const step_state& state() const noexcept { return state_; }

protected:
    step_state state_{};

private:
    constexpr arm_result commit(arming a) noexcept {
        state_ = a.state;
        return a.result;
    }
};

}  // namespace core
}  // namespace v0
}  // namespace hvstep
