#pragma once
// The per-vCPU step state: everything hvstep remembers between an exit and the
// next entry. It is a plain value (no pointers, trivially copyable, 16 bytes) so
// a hypervisor can keep one per vCPU wherever it keeps the VMCS/VMCB pointer,
// and so every transition can be a pure constexpr function of it.

#include <cstdint>
#include <type_traits>

#include "hvstep/core/step_types.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

struct step_state {
    // Which clients are armed, which of them want only taken branches, and
    // which want a single step (they are disarmed once reported).
    std::uint8_t armed = 0;
    std::uint8_t branch_only = 0;
    std::uint8_t one_step = 0;
    std::uint8_t flags = 0;  // state_flag bits
    // DR0-DR3 slots (bits 0-3) claimed by clients' own breakpoints, and the
    // clients to tell when one hits; the other slots belong to the guest.
    std::uint8_t host_breakpoints = 0;
    std::uint8_t breakpoint_owners = 0;
    // What the hypervisor told us about the instruction being stepped (a
    // next_instruction value), kept from the entry to the next exit.
    std::uint8_t stepping = 0;
    std::uint8_t more_flags = 0;  // more_flag bits
    // SVM-TF: the guest's own DR6 while VMCB.DR6 holds the reset pattern
    // (APM Vol. 2 §15.12 writes the #DB cause into VMCB.DR6; resetting it
    // before VMRUN is the only way to read the cause of one trap exactly).
    std::uint32_t parked_guest_dr6 = 0;
    // The exception intercepts the hypervisor had before hvstep added its own,
    // restored when the last client disarms.
    std::uint32_t hypervisor_exception_intercepts = 0;

    constexpr client_set armed_clients() const noexcept { return client_set{armed}; }
    constexpr bool is_armed() const noexcept { return armed != 0; }
};

// Bits of step_state::flags.
namespace state_flag {
inline constexpr std::uint8_t guest_tf = 1U << 0;       // the TF the guest owns
inline constexpr std::uint8_t guest_btf = 1U << 1;      // the DEBUGCTL.BTF the guest owns
inline constexpr std::uint8_t tf_forced = 1U << 2;      // real RFLAGS.TF and DEBUGCTL.BTF are hvstep's
inline constexpr std::uint8_t btf_forced = 1U << 3;     // hvstep runs a branch step (real BTF=1)
inline constexpr std::uint8_t step_into = 1U << 4;      // MTF: events are not held
inline constexpr std::uint8_t trap_controls = 1U << 5;  // hvstep's intercepts / MTF control are on
inline constexpr std::uint8_t dr6_parked = 1U << 6;     // VMCB.DR6 holds the reset pattern
inline constexpr std::uint8_t delivering = 1U << 7;     // the last entry injected an event
}  // namespace state_flag

// Bits of step_state::more_flags: intercepts the hypervisor had itself, so
// that hvstep never removes them.
namespace more_flag {
inline constexpr std::uint8_t hypervisor_icebp_intercept = 1U << 0;
inline constexpr std::uint8_t hypervisor_dr6_intercepts = 1U << 1;
inline constexpr std::uint8_t hypervisor_db_intercept = 1U << 2;
// Not the hypervisor's: hvstep turned LBR virtualization on for a branch step.
inline constexpr std::uint8_t lbr_virtualization_ours = 1U << 3;
// The hypervisor had the MTF control on itself when hvstep armed.
inline constexpr std::uint8_t hypervisor_mtf = 1U << 4;
// The guest's TF at the start of the instruction the hypervisor is emulating,
// recorded when it first writes RFLAGS during this exit (tf_engine.hpp).
inline constexpr std::uint8_t emulation_tf_recorded = 1U << 5;
inline constexpr std::uint8_t emulation_tf = 1U << 6;
// SVM-TF: the guest's DR7.GD at the last entry (a #DB intercept may clear it
// before the exit even when hvstep consumes the #DB, dr6_rules.hpp).
inline constexpr std::uint8_t guest_dr7_gd = 1U << 7;
}  // namespace more_flag

constexpr bool has(const step_state& s, std::uint8_t flag) noexcept { return (s.flags & flag) != 0; }
constexpr step_state with_flag(step_state s, std::uint8_t flag, bool on) noexcept {
    s.flags = static_cast<std::uint8_t>(on ? (s.flags | flag) : (s.flags & ~flag));
    return s;
}
constexpr bool has_more(const step_state& s, std::uint8_t flag) noexcept { return (s.more_flags & flag) != 0; }
constexpr step_state with_more_flag(step_state s, std::uint8_t flag, bool on) noexcept {
    s.more_flags = static_cast<std::uint8_t>(on ? (s.more_flags | flag) : (s.more_flags & ~flag));
    return s;
}

// The exit's handling is over (after_emulation consumed it, or the policy's
// before_entry, which calls this first on every entry, idle or not): forget
// what was recorded for it.
constexpr step_state end_of_exit(step_state s) noexcept {
    s = with_more_flag(s, more_flag::emulation_tf_recorded, false);
    return with_more_flag(s, more_flag::emulation_tf, false);
}

static_assert(std::is_trivially_copyable<step_state>::value, "the step state is copied by value everywhere");
static_assert(std::is_standard_layout<step_state>::value, "the step state may be embedded in C structures");
static_assert(sizeof(step_state) <= 16, "the step state must stay small: it lives beside every vCPU");

}  // namespace core
}  // namespace v0
}  // namespace hvstep
