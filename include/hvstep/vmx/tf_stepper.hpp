#pragma once
// vmx::tf_stepper<Vmcs>: single-stepping with RFLAGS.TF and the #DB intercept
// (exception bitmap bit 1, exit reason 0 with vector 1) for processors or
// nested setups without MTF, as VirtualBox falls back to. Unlike VirtualBox it
// keeps the guest's own TF, and unlike KVM it keeps hvstep's TF out of every
// frame and image the guest can read (core/tf_engine.hpp has the rules).
//
// Hooks, in the order a hypervisor calls them:
//   on_exit(vmcs, exit_reason)   every exit, first thing
//   after_emulation(vmcs)        after it emulated an instruction and advanced RIP
//   before_entry(vmcs, next)     last thing before VMRESUME; `next` is what the
//                                instruction at RIP does to TF (core/next_instruction.hpp)
// Read or write guest RFLAGS through guest_rflags()/set_guest_rflags() while armed.

#include <cstdint>

#include "hvstep/core/client_arming.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/tf_engine.hpp"
#include "hvstep/core/tf_ownership.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/step_io.hpp"
#include "hvstep/vmx/vmcs_accessor.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

template <class Vmcs>
class tf_stepper : public core::client_arming<core::mechanism::trap_flag> {
    static_assert(check_vmcs_accessor<Vmcs>(), "see the static_asserts above for the missing member");
    using base = core::client_arming<core::mechanism::trap_flag>;

public:
    using accessor_type = Vmcs;
    using base::base;

    constexpr std::uint64_t guest_rflags(Vmcs& vmcs) const noexcept {
        return core::guest_view_of_rflags(state_, vmcs.read(vmcs_field::guest_rflags));
    }
    constexpr void set_guest_rflags(Vmcs& vmcs, std::uint64_t value) noexcept {
        step_io::write_guest_rflags(vmcs, state_, value);
    }

    // The guest's IA32_DEBUGCTL as it sees it, and its WRMSR while armed
    // (core rule "btf_guest_write"): hvstep's BTF stays, the guest's is kept.
    constexpr std::uint64_t guest_debugctl(Vmcs& vmcs) const noexcept {
        return core::guest_view_of_debugctl(state_, vmcs.read(vmcs_field::guest_debugctl));
    }
    constexpr void set_guest_debugctl(Vmcs& vmcs, std::uint64_t value) noexcept {
        const auto w = core::write_guest_debugctl(state_, value, vmcs.read(vmcs_field::guest_debugctl));
        state_ = w.state;
        vmcs.write(vmcs_field::guest_debugctl, w.real_debugctl);
    }

    constexpr core::exit_result on_exit(Vmcs& vmcs, std::uint32_t exit_reason_raw) noexcept {
        core::exit_result r{};
        if (idle()) {
            r.hypervisor_handles = true;
            return r;
        }
        core::tf_exit_input in{};
        std::uint32_t exit_info = 0;
        if (basic_reason(exit_reason_raw) == exit_reason::exception_or_nmi) {
            exit_info = static_cast<std::uint32_t>(vmcs.read(vmcs_field::vm_exit_interruption_info));
            in = observe_exception(vmcs, exit_info);
        }
        const auto d = core::decide_tf_exit(state_, in);
        if (d.guest_db != 0) step_io::inject_guest_db(vmcs, d.guest_db);
        if (d.reinject_event) step_io::reinject_exit_event(vmcs, exit_info);
        if (d.set_rf) vmcs.write(vmcs_field::guest_rflags, x86::rflags::rf.with(in.rflags));
        state_ = d.state;
        r.report = d.report;
        r.hypervisor_handles = d.hypervisor_handles;
        r.fixup = core::guest_fixup{d.clear_pushed_tf, d.fix_r11, d.r11_tf};
        return r;
    }

    constexpr core::emulation_result after_emulation(Vmcs& vmcs) noexcept {
        return step_io::complete_emulation(vmcs, state_);
    }

    constexpr void before_entry(Vmcs& vmcs, core::next_instruction next = core::next_instruction::unknown) noexcept {
        state_ = core::end_of_exit(state_);
        if (idle()) return;
        core::tf_entry_input in{};
        in.rflags = vmcs.read(vmcs_field::guest_rflags);
        const std::uint64_t debugctl = vmcs.read(vmcs_field::guest_debugctl);
        in.btf = x86::debugctl::btf.is_set(debugctl);
        const std::uint64_t interruptibility = vmcs.read(vmcs_field::guest_interruptibility_state);
        in.shadow = step_io::shadow_from(interruptibility, vmcs.read(vmcs_field::guest_activity_state));
        const std::uint64_t pending = vmcs.read(vmcs_field::guest_pending_debug_exceptions);
        in.pending_bs = pending_debug_exceptions::bs.is_set(pending);
        in.injecting = state_.is_armed() && step_io::entry_injects_event(vmcs);  // irrelevant once disarmed
        in.next = next;

        const bool controls_were_on = core::has(state_, core::state_flag::trap_controls);
        const auto p = core::plan_tf_entry(state_, in);
        state_ = p.state;

        if (p.rflags != in.rflags) vmcs.write(vmcs_field::guest_rflags, p.rflags);
        if (p.btf != in.btf) vmcs.write(vmcs_field::guest_debugctl, x86::debugctl::btf.assign(debugctl, p.btf));
        if (p.clear_blocking_by_sti) {
            vmcs.write(vmcs_field::guest_interruptibility_state,
                       interruptibility::blocking_by_sti.without(interruptibility));
        }
        if (p.pending_bs != in.pending_bs) {
            vmcs.write(vmcs_field::guest_pending_debug_exceptions,
                       pending_debug_exceptions::bs.assign(pending, p.pending_bs));
        }
        if (p.trap_controls != controls_were_on) switch_intercepts(vmcs, p.trap_controls);
    }

private:
    constexpr bool idle() const noexcept {
        return !state_.is_armed() && !core::has(state_, core::state_flag::tf_forced) &&
               !core::has(state_, core::state_flag::trap_controls);
    }

    constexpr core::tf_exit_input observe_exception(Vmcs& vmcs, std::uint32_t exit_info) noexcept {
        core::tf_exit_input in{};
        const auto type = interruption_type_of(exit_info);
        const std::uint8_t vector = interruption_vector(exit_info);
        const bool db = vector == static_cast<std::uint8_t>(x86::vector::db);
        const bool db_is_hypervisors = core::has_more(state_, core::more_flag::hypervisor_db_intercept);
        if (type == interruption_type::nmi || type == interruption_type::external_interrupt) return in;
        if (db && type == interruption_type::hardware_exception) {
            in.kind = core::tf_exit_kind::debug_exception;
            in.conditions = step_io::conditions_from_qualification(vmcs.read(vmcs_field::exit_qualification));
            if (core::needs_dr7_to_classify(in.conditions)) in.dr7 = vmcs.read(vmcs_field::guest_dr7);
            in.hypervisor_intercepts = db_is_hypervisors;
        } else if (db && type == interruption_type::privileged_software_exception) {
            in.kind = core::tf_exit_kind::icebp;
            in.hypervisor_intercepts = db_is_hypervisors;
        } else {
            in.kind = core::tf_exit_kind::exception;
            in.vector = vector;
            in.hypervisor_intercepts = (state_.hypervisor_exception_intercepts & exception_bit(vector)) != 0;
            in.vectoring = interruption_valid(static_cast<std::uint32_t>(vmcs.read(vmcs_field::idt_vectoring_info)));
        }
        in.rflags = vmcs.read(vmcs_field::guest_rflags);
        in.rip = vmcs.read(vmcs_field::guest_rip);
        return in;
    }

    // Intercept every vector but #MC while armed; give the hypervisor back
    // exactly its own bitmap afterwards.
    constexpr void switch_intercepts(Vmcs& vmcs, bool on) noexcept {
        if (on) {
            const auto bitmap = static_cast<std::uint32_t>(vmcs.read(vmcs_field::exception_bitmap));
            state_.hypervisor_exception_intercepts = bitmap;
            state_ = core::with_more_flag(state_, core::more_flag::hypervisor_db_intercept,
                                          (bitmap & exception_bit(static_cast<unsigned>(x86::vector::db))) != 0);
            vmcs.write(vmcs_field::exception_bitmap, bitmap | core::stepping_exception_intercepts);
        } else {
            vmcs.write(vmcs_field::exception_bitmap, state_.hypervisor_exception_intercepts);
        }
    }

};

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
