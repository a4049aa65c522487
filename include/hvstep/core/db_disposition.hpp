#pragma once
// The #DB disposition machine: for each condition of one #DB, whose is it —
// hvstep's clients', the guest's, or both — and what becomes of it.
//
//   condition         | owner                                        | source
//   ------------------+----------------------------------------------+-------------------------
//   BS, TF mechanism  | clients whenever one is armed (the trap marks | SDM Vol. 3B §18.3.1.4,
//                     | an instruction boundary, whoever's TF raised  | APM Vol. 2 §13.1.4
//                     | it); guest if its TF was 1 at the start of    |
//                     | the instruction or hvstep did not force TF;   |
//                     | both when both (never swallow the guest's)    |
//   BS, MTF mechanism | guest (MTF never sets TF)                     | SDM Vol. 3C §26.5.2
//   B0-B3             | clients for slots they claimed, else guest    | SDM Vol. 3B §18.2.3
//   BD, BT, RTM       | guest                                         | SDM Vol. 3B §18.2.3
//
// The guest's part is re-injected as a hardware exception (vector 1, type 3)
// carrying only the guest's conditions; its class (fault or trap) is the
// class of the original #DB, never changed (Xen re-injected a trap as a fault
// and looped). A consumed instruction-breakpoint fault resumes with RF=1 so
// the instruction runs instead of faulting again (SDM Vol. 3B §18.3.1.1).

#include <cstdint>

#include "hvstep/core/dr6_rules.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"
#include "hvstep/x86/debug_condition.hpp"
#include "hvstep/x86/dr6.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

enum class mechanism : std::uint8_t { monitor_trap_flag, trap_flag };

struct db_disposition {
    step_report report{};                 // the clients' part
    std::uint32_t guest_conditions = 0;   // to re-inject; 0 when the guest has no part
    bool guest_fault_class = false;       // class of the re-injected #DB (the original's)
    bool resume_with_rf = false;          // a consumed instruction-breakpoint fault
    bool hypervisor_handles = false;      // not hvstep's #DB at all (its intercept is the hypervisor's)
    std::uint32_t hypervisor_conditions = 0;  // what the hypervisor's own #DB handling is told of

    constexpr bool reinject() const noexcept { return guest_conditions != 0; }
};

// Rule "db_route". `conditions` come from the exit (positive polarity);
// `dr7` is the guest's; `rip` the exit's RIP; `db_intercept_is_hypervisors`
// says the hypervisor intercepts #DB for its own reasons too;
// `guest_tf_trap` says the guest's own TF raises this single-step trap
// (tf_ownership.hpp, guest_owns_step_trap: its TF at the start of the
// instruction, or a TF that SYSRET loaded).
constexpr db_disposition route_db(const step_state& s, mechanism m, std::uint32_t conditions, std::uint64_t dr7,
                                  std::uint64_t rip, bool db_intercept_is_hypervisors, bool guest_tf_trap) noexcept {
    db_disposition d{};
    const std::uint32_t bs = static_cast<std::uint32_t>(x86::dr6::bs.mask);
    const std::uint32_t hits = static_cast<std::uint32_t>(x86::dr6::breakpoint_hits.mask);

    std::uint32_t clients_part = conditions & hits & s.host_breakpoints;
    std::uint32_t guest_part = conditions & routable_conditions & ~clients_part & ~bs;

    bool clients_step = false;
    bool hvstep_only_bs = false;  // a trap of hvstep's own TF nobody else owns (stale after disarm)
    if ((conditions & bs) != 0) {
        const bool forced = m == mechanism::trap_flag && has(s, state_flag::tf_forced);
        // Under TF any single-step trap is an instruction boundary the armed
        // clients asked to see — also one raised by the guest's own TF on an
        // entry where hvstep did not force it (after an injection). Under MTF
        // the MTF exit is the clients' step; a BS #DB is the guest's alone.
        clients_step = m == mechanism::trap_flag && s.is_armed();
        const bool guest_owned = m == mechanism::monitor_trap_flag || guest_tf_trap || !forced;
        if (guest_owned) guest_part |= bs;
        hvstep_only_bs = forced && !guest_owned;
    }

    if (clients_step) {
        // A claimed breakpoint hit in the same #DB is told to its owners too.
        d.report.clients = s.armed_clients() | (clients_part != 0 ? client_set{s.breakpoint_owners} : client_set{});
        d.report.cause = has(s, state_flag::btf_forced) ? step_cause::branch : step_cause::instruction;
    } else if (clients_part != 0) {
        d.report.clients = client_set{s.breakpoint_owners};
        d.report.cause = step_cause::host_breakpoint;
    }
    d.report.rip = rip;

    // The class matters only for a part that goes somewhere: a pure step trap
    // of hvstep's skips the classification (the exit path's largest cost).
    const bool fault = (guest_part | clients_part) != 0 && x86::classify_db(conditions, dr7) == x86::db_class::fault;
    d.guest_conditions = guest_part;
    d.guest_fault_class = fault && guest_part != 0;
    d.resume_with_rf = fault && guest_part == 0 && clients_part != 0;
    // hvstep took no part and the hypervisor intercepts #DB itself: its own
    // handling runs, told of every condition but a BS of hvstep's own TF (a
    // stale trap after disarm is hvstep's alone, never the hypervisor's).
    d.hypervisor_conditions = (conditions & routable_conditions) & ~(hvstep_only_bs ? bs : 0U);
    d.hypervisor_handles =
        !clients_step && clients_part == 0 && db_intercept_is_hypervisors && d.hypervisor_conditions != 0;
    if (d.hypervisor_handles) d.guest_conditions = 0;
    return d;
}

// Only breakpoint hits need DR7 to be classified (execute breakpoints are
// faults, data and I/O ones traps, SDM Vol. 3B Table 18-2); BS, BT, BD, RTM
// and BLD are classified alone. Policies read DR7 only when this says so.
constexpr bool needs_dr7_to_classify(std::uint32_t conditions) noexcept {
    return (conditions & static_cast<std::uint32_t>(x86::dr6::breakpoint_hits.mask)) != 0;
}

// The same, when the guest's TF at the start of the instruction is all that
// decides (no SYSRET was stepped).
constexpr db_disposition route_db(const step_state& s, mechanism m, std::uint32_t conditions, std::uint64_t dr7,
                                  std::uint64_t rip, bool db_intercept_is_hypervisors) noexcept {
    return route_db(s, m, conditions, dr7, rip, db_intercept_is_hypervisors, has(s, state_flag::guest_tf));
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
