#pragma once
// The Monitor Trap Flag mechanism, vendor-neutral in form though only VMX has
// it (Intel SDM Vol. 3C §26.5.2 "Monitor Trap Flag"): a VM exit (reason 37)
// after one guest instruction, one REP iteration, or after the delivery of an
// injected or faulting event, at the handler's first instruction. MTF never
// touches RFLAGS.TF, so nothing leaks and the guest owns TF throughout.
//
// MTF has priority over pending debug traps (SDM Vol. 3C §26.5.2 "Monitor Trap
// Flag", on the priority of MTF VM exits): when the guest's own TF trap is due at the
// same boundary, the MTF exit happens first and the trap stays pending in the
// pending-debug-exceptions field (BS), delivered on the next entry. hvstep
// therefore never writes that field on an MTF exit (rule "mtf_keeps_guest_trap").
//
//   state  | exit / hook            | decision
//   -------+------------------------+---------------------------------------
//   armed  | MTF exit               | report (instruction, or event_delivery if
//          |                        | the entry injected), retire one-step clients
//   idle   | MTF exit, control set  | stale: consume it; the control goes off at entry
//          | by hvstep              |
//   any    | MTF exit the hypervisor| the hypervisor's too (its own MTF control, or a
//          | asked for              | pending-MTF injection, SDM §27.6.2)
//   any    | other exit             | the hypervisor's
//   armed  | before entry           | MTF control on; events held unless step-into
//   idle   | before entry           | MTF control off if hvstep set it

#include <cstdint>

#include "hvstep/core/arming.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

struct mtf_entry_plan {
    step_state state{};
    bool mtf_control = false;  // value the control must have
    bool changed = false;      // the control must be written
};

constexpr mtf_entry_plan plan_mtf_entry(step_state s, bool injecting) noexcept {
    mtf_entry_plan p{};
    const bool want = s.is_armed();
    p.changed = want != has(s, state_flag::trap_controls);
    p.mtf_control = want;
    s = with_flag(s, state_flag::trap_controls, want);
    s = with_flag(s, state_flag::delivering, want && injecting);
    p.state = s;
    return p;
}

struct mtf_exit_decision {
    step_state state{};
    step_report report{};
    bool hypervisor_handles = false;
};

// Rule "mtf_exit": `is_mtf_exit` is exit reason 37.
constexpr mtf_exit_decision decide_mtf_exit(step_state s, bool is_mtf_exit, std::uint64_t rip) noexcept {
    mtf_exit_decision d{};
    if (!is_mtf_exit) {
        d.state = s;
        d.hypervisor_handles = true;
        return d;
    }
    // hvstep never asked for an MTF exit it did not set the control for.
    d.hypervisor_handles =
        !has(s, state_flag::trap_controls) || has_more(s, more_flag::hypervisor_mtf);
    if (s.is_armed()) {
        const auto cause = has(s, state_flag::delivering) ? step_cause::event_delivery : step_cause::instruction;
        d.report = step_report{s.armed_clients(), cause, rip};
        s = retire_reported(s, d.report.clients);
    }
    s = with_flag(s, state_flag::delivering, false);
    d.state = s;
    return d;
}

// When hvstep turns the control on, whether the hypervisor had it on already;
// turning it off then leaves it on (rule "mtf_keeps_hypervisors_control").
constexpr step_state record_hypervisor_mtf(step_state s, bool control_was_on) noexcept {
    return with_more_flag(s, more_flag::hypervisor_mtf, control_was_on);
}
constexpr bool mtf_control_after_disarm(const step_state& s) noexcept { return has_more(s, more_flag::hypervisor_mtf); }

// Rule "events_held": while a step is armed, interrupt and NMI injection wait
// (as Xen does and KVM's KVM_GUESTDBG_BLOCKIRQ offers), unless an MTF client
// asked to step into handlers.
constexpr bool events_held(const step_state& s) noexcept {
    return s.is_armed() && !has(s, state_flag::step_into);
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
