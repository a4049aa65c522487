#pragma once
// The VMCS reads and writes both VMX policies share: turning exit fields
// into core observations and core decisions into entry fields. No rule lives
// here; each function is the translation of one field.

#include <cstdint>

#include "hvstep/core/dr6_rules.hpp"
#include "hvstep/core/entry_consistency.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/tf_engine.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/exception.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {
namespace step_io {

// Exit qualification of a #DB exit → positive-polarity conditions. The
// qualification already uses DR6's bit positions with RTM positive (SDM Vol.
// 3C §28.2.1, Table "Exit Qualification for Debug Exceptions").
constexpr std::uint32_t conditions_from_qualification(std::uint64_t qualification) noexcept {
    return static_cast<std::uint32_t>(qualification & debug_qualification::defined_bits);
}

constexpr core::shadow_state shadow_from(std::uint64_t interruptibility, std::uint64_t activity) noexcept {
    core::shadow_state s{};
    s.blocking_by_sti = interruptibility::blocking_by_sti.is_set(interruptibility);
    s.blocking_by_mov_ss = interruptibility::blocking_by_mov_ss.is_set(interruptibility);
    s.halted = activity == static_cast<std::uint64_t>(activity_state::hlt);
    return s;
}

inline constexpr std::uint32_t db_hardware_exception =
    make_interruption_info(static_cast<std::uint8_t>(x86::vector::db), interruption_type::hardware_exception, false);

// Inject the guest's #DB: VMX updates the guest DR6 neither on the exit nor on
// injection (SDM Vol. 3C §27.6.1 "Event Injection"), so the payload is merged
// here first (rule "dr6_merge_payload").
template <class Vmcs>
constexpr void inject_guest_db(Vmcs& vmcs, std::uint32_t conditions) noexcept {
    vmcs.write_dr6(core::merge_into_dr6(vmcs.read_dr6(), conditions));
    const std::uint64_t dr7 = vmcs.read(vmcs_field::guest_dr7);
    if (core::dr7_after_db_delivery(dr7) != dr7) vmcs.write(vmcs_field::guest_dr7, core::dr7_after_db_delivery(dr7));
    const std::uint64_t debugctl = vmcs.read(vmcs_field::guest_debugctl);
    if (core::debugctl_after_db_delivery(debugctl) != debugctl) {
        vmcs.write(vmcs_field::guest_debugctl, core::debugctl_after_db_delivery(debugctl));
    }
    vmcs.write(vmcs_field::vm_entry_interruption_info, db_hardware_exception);
}

// Re-inject the event that caused this exit, unchanged in vector, type and
// error code. Software exceptions (INT3, INTO) and INT1 need the instruction
// length (SDM Vol. 3C §27.6.1.1); a #PF exit leaves CR2 unwritten and reports
// the address in the exit qualification (SDM Vol. 3C §28.1 "Architectural
// State Before a VM Exit").
template <class Vmcs>
constexpr void reinject_exit_event(Vmcs& vmcs, std::uint32_t exit_info) noexcept {
    const auto type = interruption_type_of(exit_info);
    const std::uint8_t vector = interruption_vector(exit_info);
    const bool error_code = interruption_error_code_valid(exit_info);
    if (error_code) {
        vmcs.write(vmcs_field::vm_entry_exception_error_code, vmcs.read(vmcs_field::vm_exit_interruption_error_code));
    }
    if (type == interruption_type::software_exception || type == interruption_type::privileged_software_exception) {
        vmcs.write(vmcs_field::vm_entry_instruction_length, vmcs.read(vmcs_field::vm_exit_instruction_length));
    }
    if (type == interruption_type::hardware_exception && vector == static_cast<std::uint8_t>(x86::vector::pf)) {
        vmcs.write_cr2(vmcs.read(vmcs_field::exit_qualification));
    }
    vmcs.write(vmcs_field::vm_entry_interruption_info, make_interruption_info(vector, type, error_code));
}

// After the hypervisor emulated an instruction, hvstep has reported its step
// and delivered the guest's #DB(BS) itself (core::decide_after_emulation); a
// single-step trap still pending in the VMCS (a MOV-SS pair whose second
// instruction was emulated) would be delivered again at entry, before the
// next instruction runs (SDM Vol. 3C "Delivery of Pending Debug Exceptions
// after VM Entry"): the emulation consumed it.
// When hvstep injects the guest's #DB, a pending breakpoint match of the same
// boundary (a data breakpoint on the MOV SS) rides along in it: injection
// discards pending debug exceptions (SDM Vol. 3C §27.7.3). Returns those
// conditions, positive, laid out like DR6.
template <class Vmcs>
constexpr std::uint32_t consume_pending_step_trap(Vmcs& vmcs, bool injecting_db) noexcept {
    const std::uint64_t pending = vmcs.read(vmcs_field::guest_pending_debug_exceptions);
    std::uint64_t left = pending_debug_exceptions::bs.without(pending);
    std::uint32_t taken = 0;
    if (injecting_db) {
        taken = static_cast<std::uint32_t>(pending & pending_debug_exceptions::breakpoints.mask);
        left &= ~(pending_debug_exceptions::breakpoints.mask | pending_debug_exceptions::enabled_breakpoint.mask);
    }
    if (left != pending) vmcs.write(vmcs_field::guest_pending_debug_exceptions, left);
    return taken;
}

// The after_emulation() hook both VMX policies share (core rule
// "emulated_instruction_completes_step").
template <class Vmcs>
constexpr core::emulation_result complete_emulation(Vmcs& vmcs, core::step_state& state) noexcept {
    const auto d =
        core::decide_after_emulation(state, vmcs.read(vmcs_field::guest_rflags), vmcs.read(vmcs_field::guest_rip));
    const std::uint32_t pending = d.consume_pending_trap ? consume_pending_step_trap(vmcs, d.guest_db != 0) : 0U;
    if (d.guest_db != 0) inject_guest_db(vmcs, d.guest_db | pending);
    state = d.state;
    return core::emulation_result{d.report, d.guest_db != 0};
}

// The hypervisor's write of guest RFLAGS (core rule "tf_guest_write"). Under
// MTF TF is never forced and the value goes in as it is.
template <class Vmcs>
constexpr void write_guest_rflags(Vmcs& vmcs, core::step_state& state, std::uint64_t value) noexcept {
    const auto w = core::write_guest_rflags(state, value, vmcs.read(vmcs_field::guest_rflags));
    state = w.state;
    vmcs.write(vmcs_field::guest_rflags, w.real_rflags);
}

template <class Vmcs>
constexpr bool entry_injects_event(Vmcs& vmcs) noexcept {
    return interruption_valid(static_cast<std::uint32_t>(vmcs.read(vmcs_field::vm_entry_interruption_info)));
}

// Whether the entry delivers an event before any guest instruction runs: an
// injected one, or a pending debug exception outside a MOV-SS shadow (SDM Vol.
// 3C "Delivery of Pending Debug Exceptions after VM Entry" — a guest stepping
// itself leaves its trap there when MTF took priority). The interruptibility
// state is read only when something is pending.
template <class Vmcs>
constexpr bool entry_delivers_event(Vmcs& vmcs) noexcept {
    if (entry_injects_event(vmcs)) return true;
    const std::uint64_t pending = vmcs.read(vmcs_field::guest_pending_debug_exceptions);
    // Valid only with BS or the enabled-breakpoint bit (SDM Vol. 3C §27.7.3).
    if ((pending & (pending_debug_exceptions::bs.mask | pending_debug_exceptions::enabled_breakpoint.mask)) == 0) {
        return false;
    }
    return !interruptibility::blocking_by_mov_ss.is_set(vmcs.read(vmcs_field::guest_interruptibility_state));
}

}  // namespace step_io
}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
