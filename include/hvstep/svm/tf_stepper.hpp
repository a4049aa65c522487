#pragma once
// svm::tf_stepper<Vmcb>: single-stepping on AMD SVM, which has no monitor trap
// flag: hvstep sets the guest's RFLAGS.TF, intercepts #DB (exit code 0x41),
// and routes each trap (core/tf_engine.hpp). This is the mechanism the Xen
// proposal in the project's seeds describes, with what it left open closed:
// the guest's own TF and #DB survive, hvstep's TF never reaches the guest, and
// several clients (a debugger, an introspection engine, an NMI-window
// detector) share one trap.
//
// SVM specifics, each in one place below:
// - VMCB.DR6 is the guest's DR6 and the processor writes the #DB cause into it
//   before the intercept (APM Vol. 2 §15.12.2). While armed, hvstep parks the
//   guest's DR6 in the step state and runs the guest with the reset pattern, so
//   the cause of each trap is exact; it intercepts MOV DR6 so the guest never
//   reads the pattern (see core::dr6_access), and restores the guest's DR6 on
//   every exit, so between exit and entry VMCB.DR6 is the guest's.
// - ICEBP is intercepted (misc2 bit 8): INT1 does not trigger the #DB
//   intercept (APM Vol. 2 §15.12.2), so without it INT1 would be delivered
//   unseen, pushing hvstep's TF. Event injection cannot inject an ICEBP #DB
//   (§15.20): hvstep emulates it, resuming at next_rip.
// - MOV DR4 aliases DR6 when CR4.DE=0, so DR4 accesses are intercepted too.
// - Branch steps need LBR virtualization for VMRUN to load DBGCTL (§15.23.1).
// - Re-injected INT3/INTO keep RIP at the instruction: the processor pushes
//   next_rip (§15.20, §15.7.1), and a fault during their delivery reports the
//   instruction itself, as natively. Requires NRIP save (CPUID
//   Fn8000_000A_EDX[3]); so does MOV DR6 emulation's register number, which
//   needs DecodeAssists (EDX[7], §15.8.1).

#include <cstdint>

#include "hvstep/core/client_arming.hpp"
#include "hvstep/core/dr6_rules.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/tf_engine.hpp"
#include "hvstep/core/tf_ownership.hpp"
#include "hvstep/svm/event_injection.hpp"
#include "hvstep/svm/exit_code.hpp"
#include "hvstep/svm/intercepts.hpp"
#include "hvstep/svm/vmcb_accessor.hpp"
#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep {
inline namespace v0 {
namespace svm {

// DR6, and DR4 which aliases it when CR4.DE=0, in the DR intercept word
// (VMCB offset 004h; APM Vol. 2 §15.9, Table 15-7).
inline constexpr std::uint8_t dr6_index = 6;
inline constexpr std::uint8_t dr4_index = 4;
inline constexpr std::uint32_t dr6_intercepts = dr_read_bit(dr6_index) | dr_write_bit(dr6_index) |
                                                dr_read_bit(dr4_index) | dr_write_bit(dr4_index);

// EXITINFO1 of a MOV DRn intercept with DecodeAssists: bits 3:0 the
// general-purpose register (APM Vol. 2 §15.8.1, Table 15-3).
inline constexpr x86::field<0, 4> mov_dr_gpr{};

constexpr bool is_dr6_access(std::uint64_t code) noexcept {
    return code == raw(dr_read_exit(dr6_index)) || code == raw(dr_write_exit(dr6_index)) ||
           code == raw(dr_read_exit(dr4_index)) || code == raw(dr_write_exit(dr4_index));
}

template <class Vmcb>
class tf_stepper : public core::client_arming<core::mechanism::trap_flag> {
    static_assert(check_vmcb_view<Vmcb>(), "see the static_asserts above for the missing member");
    using base = core::client_arming<core::mechanism::trap_flag>;

public:
    using accessor_type = Vmcb;
    using base::base;

    constexpr std::uint64_t guest_rflags(Vmcb& vmcb) const noexcept { return core::guest_view_of_rflags(state_, vmcb.rflags()); }
    constexpr void set_guest_rflags(Vmcb& vmcb, std::uint64_t value) noexcept {
        const auto w = core::write_guest_rflags(state_, value, vmcb.rflags());
        state_ = w.state;
        vmcb.set_rflags(w.real_rflags);
    }
    // The guest's DebugCtl (VMCB DBGCTL, loaded by VMRUN with LBR
    // virtualization) as it sees it, and its WRMSR while armed (core rule
    // "btf_guest_write"): hvstep's BTF stays, the guest's is kept.
    constexpr std::uint64_t guest_debugctl(Vmcb& vmcb) const noexcept {
        return core::guest_view_of_debugctl(state_, vmcb.debugctl());
    }
    constexpr void set_guest_debugctl(Vmcb& vmcb, std::uint64_t value) noexcept {
        const auto w = core::write_guest_debugctl(state_, value, vmcb.debugctl());
        state_ = w.state;
        vmcb.set_debugctl(w.real_debugctl);
    }

    // Between on_exit() and before_entry(), VMCB.DR6 is the guest's own.
    constexpr std::uint64_t guest_dr6(Vmcb& vmcb) const noexcept { return vmcb.dr6(); }
    constexpr void set_guest_dr6(Vmcb& vmcb, std::uint64_t value) noexcept { vmcb.set_dr6(value); }

    constexpr core::exit_result on_exit(Vmcb& vmcb) noexcept {
        core::exit_result r{};
        if (idle()) {
            r.hypervisor_handles = true;
            return r;
        }
        const std::uint64_t code = vmcb.exit_code();
        const bool parked = core::has(state_, core::state_flag::dr6_parked);
        const std::uint64_t vmcb_dr6 = vmcb.dr6();
        std::uint64_t guest_dr6 = vmcb_dr6;
        std::uint32_t conditions = 0;
        if (parked) {
            // What VMCB.DR6 holds now is this run's conditions and nothing else.
            conditions = static_cast<std::uint32_t>(x86::dr6::to_conditions(vmcb_dr6));
            guest_dr6 = state_.parked_guest_dr6;
            state_ = core::with_flag(state_, core::state_flag::dr6_parked, false);
        }

        const core::tf_exit_input in = observe(vmcb, code, conditions, r);
        const auto d = core::decide_tf_exit(state_, in);
        // Between exit and entry VMCB.DR6 is the guest's: its own, plus the
        // payload of a #DB it receives; or, for a #DB that is the hypervisor's,
        // what the processor would have left without hvstep.
        std::uint64_t dr6_now = guest_dr6;
        if (in.kind == core::tf_exit_kind::debug_exception && d.hypervisor_handles) {
            dr6_now = core::merge_into_dr6(guest_dr6, d.hypervisor_db);
        } else if (d.guest_db != 0) {
            dr6_now = core::merge_into_dr6(guest_dr6, d.guest_db);
        }
        if (dr6_now != vmcb_dr6) vmcb.set_dr6(dr6_now);  // spare the DRx clean bit
        if (d.guest_db != 0) {
            inject_guest_db_side_effects(vmcb, core::needs_dr7_to_classify(in.conditions) ? in.dr7 : vmcb.dr7());
        } else if (in.kind == core::tf_exit_kind::debug_exception && !d.hypervisor_handles &&
                   core::has_more(state_, core::more_flag::guest_dr7_gd)) {
            const std::uint64_t dr7 = vmcb.dr7();
            if (core::dr7_after_hidden_db(dr7, true) != dr7) vmcb.set_dr7(core::dr7_after_hidden_db(dr7, true));
        }
        if (d.reinject_event) reinject(vmcb, code);
        if (d.set_rf) vmcb.set_rflags(x86::rflags::rf.with(in.rflags));
        state_ = d.state;
        r.report = d.report;
        r.hypervisor_handles = r.hypervisor_handles || d.hypervisor_handles;
        r.fixup = core::guest_fixup{d.clear_pushed_tf, d.fix_r11, d.r11_tf};
        return r;
    }

    constexpr core::emulation_result after_emulation(Vmcb& vmcb) noexcept {
        const auto d = core::decide_after_emulation(state_, vmcb.rflags(), vmcb.rip());
        if (d.guest_db != 0) {
            vmcb.set_dr6(core::merge_into_dr6(vmcb.dr6(), d.guest_db));
            inject_guest_db_side_effects(vmcb, vmcb.dr7());
        }
        state_ = d.state;
        return core::emulation_result{d.report, d.guest_db != 0};
    }

    constexpr void before_entry(Vmcb& vmcb, core::next_instruction next = core::next_instruction::unknown) noexcept {
        state_ = core::end_of_exit(state_);
        if (idle()) return;
        core::tf_entry_input in{};
        in.rflags = vmcb.rflags();
        const bool lbr = vmcb.lbr_virtualization();
        const std::uint64_t debugctl = lbr ? vmcb.debugctl() : 0;
        in.btf = x86::debugctl::btf.is_set(debugctl);
        // SVM has no VM-entry check on TF inside an interrupt shadow; the
        // TF VMRUN loads traps after the first guest instruction whatever the
        // interrupt shadow (APM Vol. 2 §15.5.1 "Basic Operation", §15.21.5
        // "Interrupt Shadows").
        in.injecting = state_.is_armed() && event_valid(vmcb.event_injection());  // irrelevant once disarmed
        in.next = next;

        const bool controls_were_on = core::has(state_, core::state_flag::trap_controls);
        const auto p = core::plan_tf_entry(state_, in);
        state_ = p.state;

        if (p.rflags != in.rflags) vmcb.set_rflags(p.rflags);
        // LBR virtualization hvstep turned on goes back off with the branch step,
        // even when the guest (or a delivered #DB) already cleared BTF.
        const bool give_back_lbr = !p.btf && core::has_more(state_, core::more_flag::lbr_virtualization_ours);
        if (p.btf != in.btf || give_back_lbr) switch_btf(vmcb, debugctl, lbr, p.btf);
        if (p.trap_controls != controls_were_on) switch_intercepts(vmcb, p.trap_controls);
        const bool parked = core::has(state_, core::state_flag::dr6_parked);
        if (p.trap_controls && !parked) {
            // Park the guest's DR6 so the next #DB intercept reports its own
            // cause only; remember its DR7.GD, which that intercept may clear.
            // Once per run: a second entry without an exit keeps what it has.
            const std::uint64_t guest_dr6 = vmcb.dr6();
            state_.parked_guest_dr6 = static_cast<std::uint32_t>(guest_dr6);
            if (guest_dr6 != x86::dr6::init_value) vmcb.set_dr6(x86::dr6::init_value);  // spare the DRx clean bit
            state_ = core::with_flag(state_, core::state_flag::dr6_parked, true);
            state_ = core::with_more_flag(state_, core::more_flag::guest_dr7_gd, x86::dr7::gd.is_set(vmcb.dr7()));
        } else if (!p.trap_controls && parked) {
            // Disarmed between two entries: the guest gets its DR6 back with the intercepts gone.
            vmcb.set_dr6(state_.parked_guest_dr6);
            state_ = core::with_flag(state_, core::state_flag::dr6_parked, false);
        }
    }

private:
    // Inject the guest's #DB (DR6 already merged) with what native delivery
    // also does: clear DR7.GD, and DEBUGCTL.BTF/LBR where VMRUN loads DBGCTL
    // (core rule "db_delivery_side_effects").
    constexpr void inject_guest_db_side_effects(Vmcb& vmcb, std::uint64_t dr7) noexcept {
        if (core::dr7_after_db_delivery(dr7) != dr7) vmcb.set_dr7(core::dr7_after_db_delivery(dr7));
        if (vmcb.lbr_virtualization()) {
            const std::uint64_t debugctl = vmcb.debugctl();
            if (core::debugctl_after_db_delivery(debugctl) != debugctl) {
                vmcb.set_debugctl(core::debugctl_after_db_delivery(debugctl));
            }
        }
        vmcb.set_event_injection(make_event_injection(static_cast<std::uint8_t>(x86::vector::db), event_type::exception));
    }

    constexpr bool idle() const noexcept {
        return !state_.is_armed() && !core::has(state_, core::state_flag::tf_forced) &&
               !core::has(state_, core::state_flag::trap_controls);
    }

    constexpr core::tf_exit_input observe(Vmcb& vmcb, std::uint64_t code, std::uint32_t conditions, core::exit_result& r) noexcept {
        core::tf_exit_input in{};
        if (code == raw(exit_code::excp_db)) {
            in.kind = core::tf_exit_kind::debug_exception;
            in.conditions = conditions;
            if (core::needs_dr7_to_classify(conditions)) in.dr7 = vmcb.dr7();
            in.hypervisor_intercepts = core::has_more(state_, core::more_flag::hypervisor_db_intercept);
        } else if (code == raw(exit_code::icebp)) {
            in.kind = core::tf_exit_kind::icebp;
            in.hypervisor_intercepts = core::has_more(state_, core::more_flag::hypervisor_icebp_intercept);
        } else if (is_exception(code)) {
            in.kind = core::tf_exit_kind::exception;
            in.vector = exception_vector(code);
            in.hypervisor_intercepts =
                (state_.hypervisor_exception_intercepts & exception_intercept_bit(in.vector)) != 0;
            in.vectoring = event_valid(vmcb.exit_int_info());
        } else if (is_dr6_access(code) && !core::has_more(state_, core::more_flag::hypervisor_dr6_intercepts)) {
            r.dr6 = core::dr6_access{true, is_dr_write(code),
                                     static_cast<std::uint8_t>(mov_dr_gpr.get(vmcb.exit_info1()))};
            r.hypervisor_handles = true;
        }
        in.rflags = vmcb.rflags();
        in.rip = vmcb.rip();
        return in;
    }

    // Re-inject the intercepted exception or INT1 as the guest would have
    // taken it. INT1 is emulated (§15.20): RIP moves past it and a #DB is
    // injected. INT3/INTO keep RIP; the processor pushes next_rip. A fault
    // delivered natively pushes RF=1 (SDM Vol. 3A §6.6 "Program or Task
    // Restart"), which the SVM exit does not save: set it. An intercepted #PF
    // leaves CR2 unwritten and reports the address in EXITINFO2 (§15.12.15).
    constexpr void reinject(Vmcb& vmcb, std::uint64_t code) noexcept {
        const bool icebp = code == raw(exit_code::icebp);
        const auto v = static_cast<x86::vector>(icebp ? static_cast<std::uint8_t>(x86::vector::db)
                                                      : exception_vector(code));
        if (icebp) vmcb.set_rip(vmcb.next_rip());
        if (!icebp && x86::classify(v) == x86::exception_class::fault) {
            vmcb.set_rflags(x86::rflags::rf.with(vmcb.rflags()));
        }
        if (v == x86::vector::pf) vmcb.set_cr2(vmcb.exit_info2());
        const bool error_code = !icebp && x86::has_error_code(v);
        vmcb.set_event_injection(make_event_injection(static_cast<std::uint8_t>(v), event_type::exception, error_code,
                                                      static_cast<std::uint32_t>(vmcb.exit_info1())));
    }

    constexpr void switch_btf(Vmcb& vmcb, std::uint64_t debugctl, bool lbr, bool btf) noexcept {
        if (btf && !lbr) {
            vmcb.set_lbr_virtualization(true);
            state_ = core::with_more_flag(state_, core::more_flag::lbr_virtualization_ours, true);
        }
        vmcb.set_debugctl(x86::debugctl::btf.assign(debugctl, btf));
        if (!btf && core::has_more(state_, core::more_flag::lbr_virtualization_ours)) {
            vmcb.set_lbr_virtualization(false);
            state_ = core::with_more_flag(state_, core::more_flag::lbr_virtualization_ours, false);
        }
    }

    // While armed: every exception vector but #MC, ICEBP and MOV DR6; the
    // hypervisor's own intercepts are remembered and given back exactly.
    constexpr void switch_intercepts(Vmcb& vmcb, bool on) noexcept {
        const std::uint32_t misc2 = vmcb.misc2_intercepts();
        const std::uint32_t drs = vmcb.dr_intercepts();
        if (on) {
            const std::uint32_t exceptions = vmcb.exception_intercepts();
            state_.hypervisor_exception_intercepts = exceptions;
            state_ = core::with_more_flag(state_, core::more_flag::hypervisor_db_intercept,
                                          (exceptions & exception_intercept_bit(1)) != 0);
            state_ = core::with_more_flag(state_, core::more_flag::hypervisor_icebp_intercept,
                                          misc2::icebp.is_set(misc2));
            state_ = core::with_more_flag(state_, core::more_flag::hypervisor_dr6_intercepts,
                                          (drs & dr6_intercepts) == dr6_intercepts);
            vmcb.set_exception_intercepts(exceptions | core::stepping_exception_intercepts);
            vmcb.set_misc2_intercepts(static_cast<std::uint32_t>(misc2::icebp.with(misc2)));
            vmcb.set_dr_intercepts(drs | dr6_intercepts);
        } else {
            vmcb.set_exception_intercepts(state_.hypervisor_exception_intercepts);
            if (!core::has_more(state_, core::more_flag::hypervisor_icebp_intercept)) {
                vmcb.set_misc2_intercepts(static_cast<std::uint32_t>(misc2::icebp.without(misc2)));
            }
            if (!core::has_more(state_, core::more_flag::hypervisor_dr6_intercepts)) {
                vmcb.set_dr_intercepts(drs & ~dr6_intercepts);
            }
        }
    }

};

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
