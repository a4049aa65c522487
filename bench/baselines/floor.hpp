#pragma once
// The floor: for each exit kind of the benchmark (synthetic_exits.hpp), only the VMCS/VMCB field
// reads and writes that any correct implementation of hvstep's contract must make, and as little
// computing as produces hvstep's results. A measuring stick, not an implementation: it is
// correct for the benchmark's scenarios (one continuous client, no claimed breakpoint slots, no
// interrupt shadow, not halted, an ordinary next instruction, the guest's DR6 at its init value)
// and takes shortcuts elsewhere. tests/unit/perf_access_counts_test.cpp checks that on each
// scenario it leaves the same fields and reports the same step as hvstep.
//
// What "must" means here (docs/performance.md, "The floor"):
// - the same contract as hvstep: the same hooks and inputs (the exit reason, the next-instruction
//   hint), the same results (the report with its RIP, the injections written into the fields,
//   the guest's DR6 in VMCB.DR6 between exit and entry on SVM);
// - the same per-vCPU state as hvstep (core::step_state) and no cached copy of any field: a
//   field the guest, the processor or the hypervisor may have changed since the last hook is
//   read before its value is used;
// - a field is read only when the result for this exit depends on its value given the state,
//   and written only when its value changes.
// Each access below carries the reason it is needed.

#include <cstdint>

#include "hvstep/core/arming.hpp"
#include "hvstep/core/client_arming.hpp"
#include "hvstep/core/dr6_rules.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/mtf_engine.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/tf_engine.hpp"
#include "hvstep/svm/event_injection.hpp"
#include "hvstep/svm/exit_code.hpp"
#include "hvstep/svm/tf_stepper.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_bench {
namespace floor {

namespace core = hvstep::core;
namespace sf = hvstep::core::state_flag;
using hvstep::vmx::vmcs_field;

inline constexpr unsigned client = 0;
inline constexpr std::uint32_t bs_condition = static_cast<std::uint32_t>(hvstep::x86::dr6::bs.mask);
inline constexpr std::uint32_t db_hardware_exception =
    hvstep::vmx::make_interruption_info(static_cast<std::uint8_t>(hvstep::x86::vector::db),
                                        hvstep::vmx::interruption_type::hardware_exception, false);

// In-place step-state updates: the floor changes only the bytes it must, where hvstep's core
// passes and returns the whole 16-byte state by value through every transition.
namespace inplace {
inline void assign(std::uint8_t& bits, std::uint8_t bit, bool on) noexcept {
    bits = static_cast<std::uint8_t>(on ? (bits | bit) : (bits & ~bit));
}
inline void disarm_set(core::step_state& s, std::uint8_t which) noexcept {
    s.armed = static_cast<std::uint8_t>(s.armed & ~which);
    s.branch_only = static_cast<std::uint8_t>(s.branch_only & s.armed);
    s.one_step = static_cast<std::uint8_t>(s.one_step & s.armed);
    if (s.armed == 0) assign(s.flags, sf::step_into, false);
}
// core::arm for an instruction step, continuous, events held.
inline void arm(core::step_state& s, unsigned c) noexcept {
    const auto bit = static_cast<std::uint8_t>(1U << c);
    s.armed = static_cast<std::uint8_t>(s.armed | bit);
    s.branch_only = static_cast<std::uint8_t>(s.branch_only & ~bit);
    s.one_step = static_cast<std::uint8_t>(s.one_step & ~bit);
    assign(s.flags, sf::step_into, false);
}
inline void disarm(core::step_state& s, unsigned c) noexcept {
    disarm_set(s, static_cast<std::uint8_t>(1U << c));
}
// core::retire_reported: one-step clients that were told are done.
inline void retire(core::step_state& s, core::client_set reported) noexcept {
    const auto done = static_cast<std::uint8_t>(s.one_step & reported.bits);
    if (done != 0) disarm_set(s, done);
}
// core::end_of_exit.
inline void end_of_exit(core::step_state& s) noexcept {
    s.more_flags = static_cast<std::uint8_t>(
        s.more_flags & ~(core::more_flag::emulation_tf_recorded | core::more_flag::emulation_tf));
}
}  // namespace inplace

// ---------------------------------------------------------------------------------- VMX MTF ----
template <class Vmcs>
class vmx_mtf : public core::client_arming<core::mechanism::monitor_trap_flag> {
public:
    using client_arming::client_arming;
    void arm(Vmcs&) noexcept { inplace::arm(state_, client); }
    void disarm(Vmcs&) noexcept { inplace::disarm(state_, client); }

    core::exit_result on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        core::exit_result r{};
        // The exit reason is an input: an exit that is not MTF needs nothing.
        if (hvstep::vmx::basic_reason(reason) != hvstep::vmx::exit_reason::monitor_trap_flag) {
            r.hypervisor_handles = true;
            return r;
        }
        // RIP: the report says where the step ended. Nothing else: a guest TF trap due at the same
        // boundary stays pending for the processor (SDM §26.5.2), so 0x6822 is not touched.
        const auto cause = core::has(state_, sf::delivering) ? core::step_cause::event_delivery
                                                             : core::step_cause::instruction;
        r.report = core::step_report{state_.armed_clients(), cause, v.read(vmcs_field::guest_rip)};
        r.hypervisor_handles = core::has_more(state_, core::more_flag::hypervisor_mtf);
        inplace::retire(state_, r.report.clients);
        inplace::assign(state_.flags, sf::delivering, false);
        return r;
    }

    core::emulation_result after_emulation(Vmcs& v) noexcept {
        // RFLAGS: under MTF the register's TF is the guest's, and decides whether its #DB is owed.
        // RIP: the report. (With the guest's TF clear nothing is pending for this instruction.)
        const std::uint64_t rflags = v.read(vmcs_field::guest_rflags);
        core::emulation_result e{};
        e.report = core::step_report{state_.armed_clients(), core::step_cause::emulated_instruction,
                                     v.read(vmcs_field::guest_rip)};
        if (hvstep::x86::rflags::tf.is_set(rflags)) {  // not in the scenarios: what it would cost
            v.write_dr6(core::merge_into_dr6(v.read_dr6(), bs_condition));
            v.write(vmcs_field::vm_entry_interruption_info, db_hardware_exception);
            e.guest_db_injected = true;
        }
        inplace::retire(state_, e.report.clients);
        return e;
    }

    void before_entry(Vmcs& v) noexcept {
        const bool armed = state_.is_armed();
        const bool on = core::has(state_, sf::trap_controls);
        if (!armed && !on) return;
        // Whether this entry delivers an event decides the cause of the next MTF exit (the
        // handler's first instruction), and only the fields tell: the VM-entry interruption
        // information, else a pending debug exception, which is delivered unless a MOV-SS shadow
        // holds it (SDM Vol. 3C §27.7.3).
        const bool injecting = armed && delivers_event(v);
        inplace::assign(state_.flags, sf::trap_controls, armed);
        inplace::assign(state_.flags, sf::delivering, injecting);
        if (armed == on) return;
        // The controls: read-modify-write of one bit of a word the hypervisor owns.
        const std::uint64_t controls = v.read(vmcs_field::primary_processor_controls);
        const bool was_on = hvstep::vmx::primary_processor_controls::monitor_trap_flag.is_set(controls);
        if (armed) inplace::assign(state_.more_flags, core::more_flag::hypervisor_mtf, was_on);
        const bool value = armed || core::mtf_control_after_disarm(state_);
        if (value != was_on) {
            v.write(vmcs_field::primary_processor_controls,
                    hvstep::vmx::primary_processor_controls::monitor_trap_flag.assign(controls, value));
        }
    }

private:
    static bool delivers_event(Vmcs& v) noexcept {
        namespace pd = hvstep::vmx::pending_debug_exceptions;
        if (hvstep::vmx::interruption_valid(
                static_cast<std::uint32_t>(v.read(vmcs_field::vm_entry_interruption_info)))) {
            return true;
        }
        const std::uint64_t pending = v.read(vmcs_field::guest_pending_debug_exceptions);
        if ((pending & (pd::bs.mask | pd::enabled_breakpoint.mask)) == 0) return false;
        return !hvstep::vmx::interruptibility::blocking_by_mov_ss.is_set(
            v.read(vmcs_field::guest_interruptibility_state));
    }
};

// ----------------------------------------------------------------------------------- VMX TF ----
template <class Vmcs>
class vmx_tf : public core::client_arming<core::mechanism::trap_flag> {
public:
    using client_arming::client_arming;
    void arm(Vmcs&) noexcept { inplace::arm(state_, client); }
    void disarm(Vmcs&) noexcept { inplace::disarm(state_, client); }

    core::exit_result on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        core::exit_result r{};
        r.hypervisor_handles = true;
        if (!state_.is_armed() && !core::has(state_, sf::tf_forced) &&
            !core::has(state_, sf::trap_controls)) {
            return r;
        }
        // The exit reason is an input: nothing else is needed for an exit that is no exception.
        if (hvstep::vmx::basic_reason(reason) != hvstep::vmx::exit_reason::exception_or_nmi) return r;
        // Interruption information: which vector, and that it is a hardware #DB (not ICEBP).
        const auto info = static_cast<std::uint32_t>(v.read(vmcs_field::vm_exit_interruption_info));
        if (hvstep::vmx::interruption_vector(info) != static_cast<std::uint8_t>(hvstep::x86::vector::db) ||
            hvstep::vmx::interruption_type_of(info) != hvstep::vmx::interruption_type::hardware_exception) {
            return r;  // not in the scenarios
        }
        // Exit qualification: the conditions. DR7 is not read: it only tells a fault from a trap,
        // which matters for a client's claimed breakpoint (RF) and none is claimed.
        const auto conditions = static_cast<std::uint32_t>(v.read(vmcs_field::exit_qualification) &
                                                           hvstep::vmx::debug_qualification::defined_bits);
        r.hypervisor_handles = false;
        if ((conditions & bs_condition) != 0 && core::has(state_, sf::tf_forced)) {
            // RIP: the report. RFLAGS is not read: the guest's TF after an ordinary instruction
            // it did not own TF for is 0 whatever the register holds (core::guest_tf_after_step).
            r.report = core::step_report{state_.armed_clients(), core::step_cause::instruction,
                                         v.read(vmcs_field::guest_rip)};
            state_.stepping = static_cast<std::uint8_t>(core::next_instruction::unknown);
            inplace::retire(state_, r.report.clients);
            return r;
        }
        // The guest's own #DB: guest DR6 (read-modify-write: B0-B3 replaced), what native delivery
        // also clears (DR7.GD; DEBUGCTL.BTF and LBR: read, written only when set; rule
        // "db_delivery_side_effects"), and the injection.
        v.write_dr6(core::merge_into_dr6(v.read_dr6(), conditions & core::routable_conditions));
        const std::uint64_t dr7 = v.read(vmcs_field::guest_dr7);
        if (core::dr7_after_db_delivery(dr7) != dr7)
            v.write(vmcs_field::guest_dr7, core::dr7_after_db_delivery(dr7));
        const std::uint64_t debugctl = v.read(vmcs_field::guest_debugctl);
        if (core::debugctl_after_db_delivery(debugctl) != debugctl) {
            v.write(vmcs_field::guest_debugctl, core::debugctl_after_db_delivery(debugctl));
        }
        v.write(vmcs_field::vm_entry_interruption_info, db_hardware_exception);
        inplace::assign(state_.flags, sf::guest_btf, false);
        return r;
    }

    core::emulation_result after_emulation(Vmcs& v) noexcept {
        // RIP: the report. RFLAGS is not read: while hvstep forces TF the guest's TF is in the state.
        core::emulation_result e{};
        e.report = core::step_report{state_.armed_clients(), core::step_cause::emulated_instruction,
                                     v.read(vmcs_field::guest_rip)};
        // Pending debug exceptions: a trap left pending for this instruction must not be
        // delivered again at entry (core::decide_after_emulation, consume_pending_trap).
        const std::uint64_t pending = v.read(vmcs_field::guest_pending_debug_exceptions);
        if (hvstep::vmx::pending_debug_exceptions::bs.is_set(pending)) {
            v.write(vmcs_field::guest_pending_debug_exceptions,
                    hvstep::vmx::pending_debug_exceptions::bs.without(pending));
        }
        inplace::retire(state_, e.report.clients);
        return e;
    }

    void before_entry(Vmcs& v) noexcept {
        const bool armed = state_.is_armed();
        const bool was_forced = core::has(state_, sf::tf_forced);
        const bool controls_on = core::has(state_, sf::trap_controls);
        inplace::end_of_exit(state_);
        if (!armed && !was_forced && !controls_on) return;
        // RFLAGS: TF is set or cleared in it (read-modify-write; the stepped instruction may have
        // changed it). DEBUGCTL: BTF likewise. Interruptibility and activity: a shadow or HLT
        // decides whether TF may be forced and what pending-debug BS the entry check demands.
        const std::uint64_t rflags = v.read(vmcs_field::guest_rflags);
        const std::uint64_t debugctl = v.read(vmcs_field::guest_debugctl);
        const std::uint64_t interruptibility = v.read(vmcs_field::guest_interruptibility_state);
        const std::uint64_t activity = v.read(vmcs_field::guest_activity_state);
        if ((interruptibility & (hvstep::vmx::interruptibility::blocking_by_sti.mask |
                                 hvstep::vmx::interruptibility::blocking_by_mov_ss.mask)) != 0 ||
            activity == static_cast<std::uint64_t>(hvstep::vmx::activity_state::hlt)) {
            shadowed_entry(v, rflags, debugctl, interruptibility, activity);  // not in the scenarios
            return;
        }
        // Pending debug exceptions: only after a forced step (a trap already pending keeps the
        // stepped instruction's description, core::plan_tf_entry); outside a shadow the entry
        // check does not constrain it. Entry interruption information: only while armed (an
        // injecting entry does not force TF).
        const bool trap_pending = was_forced && hvstep::vmx::pending_debug_exceptions::bs.is_set(
                                                    v.read(vmcs_field::guest_pending_debug_exceptions));
        const bool injecting = armed && hvstep::vmx::interruption_valid(static_cast<std::uint32_t>(
                                            v.read(vmcs_field::vm_entry_interruption_info)));
        std::uint8_t flags = state_.flags;
        if (!was_forced) {  // the registers are the guest's: remember its TF and BTF
            flags = assign(flags, sf::guest_tf, hvstep::x86::rflags::tf.is_set(rflags));
            flags = assign(flags, sf::guest_btf, hvstep::x86::debugctl::btf.is_set(debugctl));
        }
        const bool guest_tf = (flags & sf::guest_tf) != 0;
        const bool guest_btf = (flags & sf::guest_btf) != 0;
        const bool force = armed && !injecting;  // the next instruction is an ordinary one
        const bool btf = force ? (guest_tf ? guest_btf : core::wants_branch_step(state_)) : guest_btf;
        const std::uint64_t new_rflags = hvstep::x86::rflags::tf.assign(rflags, force || guest_tf);
        if (new_rflags != rflags) v.write(vmcs_field::guest_rflags, new_rflags);
        if (btf != hvstep::x86::debugctl::btf.is_set(debugctl)) {
            v.write(vmcs_field::guest_debugctl, hvstep::x86::debugctl::btf.assign(debugctl, btf));
        }
        flags = assign(flags, sf::tf_forced, force);
        flags = assign(flags, sf::btf_forced, force && btf);
        flags = assign(flags, sf::delivering, injecting);
        flags = assign(flags, sf::trap_controls, armed);
        state_.flags = flags;
        if (!trap_pending) {
            state_.stepping = static_cast<std::uint8_t>(force ? core::next_instruction::ordinary
                                                              : core::next_instruction::unknown);
        }
        if (armed != controls_on) switch_intercepts(v, armed);
    }

private:
    static constexpr std::uint8_t assign(std::uint8_t flags, std::uint8_t bit, bool on) noexcept {
        return static_cast<std::uint8_t>(on ? (flags | bit) : (flags & ~bit));
    }

    // Exception bitmap: on, a read-modify-write of the hypervisor's word (its bits are remembered);
    // off, the remembered word is written back without a read.
    void switch_intercepts(Vmcs& v, bool on) noexcept {
        if (on) {
            const auto bitmap = static_cast<std::uint32_t>(v.read(vmcs_field::exception_bitmap));
            state_.hypervisor_exception_intercepts = bitmap;
            inplace::assign(state_.more_flags, core::more_flag::hypervisor_db_intercept,
                            (bitmap & (1U << static_cast<unsigned>(hvstep::x86::vector::db))) != 0);
            v.write(vmcs_field::exception_bitmap, bitmap | core::stepping_exception_intercepts);
        } else {
            v.write(vmcs_field::exception_bitmap, state_.hypervisor_exception_intercepts);
        }
    }

    // Inside an interrupt shadow or HLT: hvstep's whole plan (core::plan_tf_entry).
    void shadowed_entry(Vmcs& v, std::uint64_t rflags, std::uint64_t debugctl, std::uint64_t interruptibility,
                        std::uint64_t activity) noexcept {
        const bool controls_on = core::has(state_, sf::trap_controls);
        core::tf_entry_input in{};
        in.rflags = rflags;
        in.btf = hvstep::x86::debugctl::btf.is_set(debugctl);
        in.shadow.blocking_by_sti = hvstep::vmx::interruptibility::blocking_by_sti.is_set(interruptibility);
        in.shadow.blocking_by_mov_ss =
            hvstep::vmx::interruptibility::blocking_by_mov_ss.is_set(interruptibility);
        in.shadow.halted = activity == static_cast<std::uint64_t>(hvstep::vmx::activity_state::hlt);
        const std::uint64_t pending = v.read(vmcs_field::guest_pending_debug_exceptions);
        in.pending_bs = hvstep::vmx::pending_debug_exceptions::bs.is_set(pending);
        in.injecting = hvstep::vmx::interruption_valid(
            static_cast<std::uint32_t>(v.read(vmcs_field::vm_entry_interruption_info)));
        in.next = core::next_instruction::ordinary;
        const auto p = core::plan_tf_entry(state_, in);
        state_ = p.state;
        if (p.rflags != in.rflags) v.write(vmcs_field::guest_rflags, p.rflags);
        if (p.btf != in.btf)
            v.write(vmcs_field::guest_debugctl, hvstep::x86::debugctl::btf.assign(debugctl, p.btf));
        if (p.clear_blocking_by_sti) {
            v.write(vmcs_field::guest_interruptibility_state,
                    hvstep::vmx::interruptibility::blocking_by_sti.without(interruptibility));
        }
        if (p.pending_bs != in.pending_bs) {
            v.write(vmcs_field::guest_pending_debug_exceptions,
                    hvstep::vmx::pending_debug_exceptions::bs.assign(pending, p.pending_bs));
        }
        if (p.trap_controls != controls_on) switch_intercepts(v, p.trap_controls);
    }
};

// ----------------------------------------------------------------------------------- SVM TF ----
template <class Vmcb>
class svm_tf : public core::client_arming<core::mechanism::trap_flag> {
public:
    using client_arming::client_arming;
    void arm(Vmcb&) noexcept { inplace::arm(state_, client); }
    void disarm(Vmcb&) noexcept { inplace::disarm(state_, client); }

    core::exit_result on_exit(Vmcb& v, std::uint32_t = 0) noexcept {
        core::exit_result r{};
        r.hypervisor_handles = true;
        if (!state_.is_armed() && !core::has(state_, sf::tf_forced) &&
            !core::has(state_, sf::trap_controls)) {
            return r;
        }
        // EXITCODE: which exit this is (SVM hands the handler nothing else).
        const std::uint64_t code = v.exit_code();
        // VMCB.DR6: the #DB's conditions; on any other exit, whether it still equals the guest's
        // DR6 that must be there between exit and entry (the contract), so no write is needed.
        const std::uint64_t dr6 = v.dr6();
        const std::uint64_t guest_dr6 = state_.parked_guest_dr6;
        inplace::assign(state_.flags, sf::dr6_parked, false);
        if (code != hvstep::svm::raw(hvstep::svm::exit_code::excp_db)) {
            if (dr6 != guest_dr6) v.set_dr6(guest_dr6);
            return r;
        }
        const auto conditions = static_cast<std::uint32_t>(hvstep::x86::dr6::to_conditions(dr6));
        r.hypervisor_handles = false;
        if ((conditions & bs_condition) != 0 && core::has(state_, sf::tf_forced)) {
            // RIP: the report. DR7 and RFLAGS are not needed (see vmx_tf::on_exit).
            r.report = core::step_report{state_.armed_clients(), core::step_cause::instruction, v.rip()};
            state_.stepping = static_cast<std::uint8_t>(core::next_instruction::unknown);
            inplace::retire(state_, r.report.clients);
            v.set_dr6(guest_dr6);  // BS recorded: VMCB.DR6 differs from the guest's
            if (core::has_more(state_, core::more_flag::guest_dr7_gd)) {  // not in the scenarios
                const std::uint64_t dr7 = v.dr7();
                if (!hvstep::x86::dr7::gd.is_set(dr7)) v.set_dr7(hvstep::x86::dr7::gd.with(dr7));
            }
            return r;
        }
        // The guest's own #DB: its DR6 with the payload, what native delivery also clears (DR7.GD;
        // DBGCTL.BTF and LBR only where VMRUN loads DBGCTL, i.e. with LBR virtualization), and the
        // injection.
        v.set_dr6(core::merge_into_dr6(guest_dr6, conditions & core::routable_conditions));
        const std::uint64_t dr7 = v.dr7();
        if (core::dr7_after_db_delivery(dr7) != dr7) v.set_dr7(core::dr7_after_db_delivery(dr7));
        if (v.lbr_virtualization()) {
            const std::uint64_t debugctl = v.debugctl();
            if (core::debugctl_after_db_delivery(debugctl) != debugctl) {
                v.set_debugctl(core::debugctl_after_db_delivery(debugctl));
            }
        }
        inplace::assign(state_.flags, sf::guest_btf, false);
        v.set_event_injection(hvstep::svm::make_event_injection(
            static_cast<std::uint8_t>(hvstep::x86::vector::db), hvstep::svm::event_type::exception));
        return r;
    }

    core::emulation_result after_emulation(Vmcb& v) noexcept {
        // RIP: the report. RFLAGS is not read: while hvstep forces TF the guest's TF is in the state.
        core::emulation_result e{};
        e.report = core::step_report{state_.armed_clients(), core::step_cause::emulated_instruction, v.rip()};
        inplace::retire(state_, e.report.clients);
        return e;
    }

    void before_entry(Vmcb& v) noexcept {
        const bool armed = state_.is_armed();
        const bool was_forced = core::has(state_, sf::tf_forced);
        const bool controls_on = core::has(state_, sf::trap_controls);
        inplace::end_of_exit(state_);
        if (!armed && !was_forced && !controls_on) return;
        // RFLAGS: TF set or cleared in it. LBR virtualization: without it VMRUN does not load
        // DBGCTL, so BTF is effectively 0 and DBGCTL need not be read. EVENTINJ: only while
        // armed (an injecting entry does not force TF). SVM has no VM-entry check on shadows.
        const std::uint64_t rflags = v.rflags();
        const bool lbr = v.lbr_virtualization();
        const std::uint64_t debugctl = lbr ? v.debugctl() : 0;
        const bool injecting = armed && hvstep::svm::event_valid(v.event_injection());
        std::uint8_t flags = state_.flags;
        if (!was_forced) {  // the registers are the guest's: remember its TF and BTF
            flags = assign(flags, sf::guest_tf, hvstep::x86::rflags::tf.is_set(rflags));
            flags = assign(flags, sf::guest_btf, hvstep::x86::debugctl::btf.is_set(debugctl));
        }
        const bool guest_tf = (flags & sf::guest_tf) != 0;
        const bool guest_btf = (flags & sf::guest_btf) != 0;
        const bool force = armed && !injecting;  // the next instruction is an ordinary one
        const bool btf = force ? (guest_tf ? guest_btf : core::wants_branch_step(state_)) : guest_btf;
        const std::uint64_t new_rflags = hvstep::x86::rflags::tf.assign(rflags, force || guest_tf);
        if (new_rflags != rflags) v.set_rflags(new_rflags);
        if (btf != hvstep::x86::debugctl::btf.is_set(debugctl)) {
            // Not in the scenarios (a branch step: DBGCTL needs LBR virtualization, §15.23.1).
            if (btf && !lbr) v.set_lbr_virtualization(true);
            v.set_debugctl(hvstep::x86::debugctl::btf.assign(debugctl, btf));
        }
        flags = assign(flags, sf::tf_forced, force);
        flags = assign(flags, sf::btf_forced, force && btf);
        flags = assign(flags, sf::delivering, injecting);
        flags = assign(flags, sf::trap_controls, armed);
        state_.flags = flags;
        state_.stepping = static_cast<std::uint8_t>(force ? core::next_instruction::ordinary
                                                          : core::next_instruction::unknown);
        if (armed != controls_on) switch_intercepts(v, armed);
        if (armed) {
            // VMCB.DR6: the guest's, parked; written only when it is not the init value already.
            // DR7: the guest's GD, which the #DB intercept may clear (APM §15.12.2) and which must
            // come back when the guest never receives that #DB (rule "hidden_db_leaves_dr7").
            const std::uint64_t dr6 = v.dr6();
            state_.parked_guest_dr6 = static_cast<std::uint32_t>(dr6);
            if (dr6 != hvstep::x86::dr6::init_value) v.set_dr6(hvstep::x86::dr6::init_value);
            state_.flags = assign(state_.flags, sf::dr6_parked, true);
            inplace::assign(state_.more_flags, core::more_flag::guest_dr7_gd,
                            hvstep::x86::dr7::gd.is_set(v.dr7()));
        }
    }

private:
    static constexpr std::uint8_t assign(std::uint8_t flags, std::uint8_t bit, bool on) noexcept {
        return static_cast<std::uint8_t>(on ? (flags | bit) : (flags & ~bit));
    }

    // Intercept words: read-modify-write of words the hypervisor owns, written only if they change.
    void switch_intercepts(Vmcb& v, bool on) noexcept {
        namespace svm = hvstep::svm;
        const std::uint32_t misc2 = v.misc2_intercepts();
        const std::uint32_t drs = v.dr_intercepts();
        if (on) {
            const std::uint32_t exceptions = v.exception_intercepts();
            state_.hypervisor_exception_intercepts = exceptions;
            inplace::assign(state_.more_flags, core::more_flag::hypervisor_db_intercept,
                            (exceptions & svm::exception_intercept_bit(1)) != 0);
            inplace::assign(state_.more_flags, core::more_flag::hypervisor_icebp_intercept,
                            svm::misc2::icebp.is_set(misc2));
            inplace::assign(state_.more_flags, core::more_flag::hypervisor_dr6_intercepts,
                            (drs & svm::dr6_intercepts) == svm::dr6_intercepts);
            const std::uint32_t new_exceptions = exceptions | core::stepping_exception_intercepts;
            const auto new_misc2 = static_cast<std::uint32_t>(svm::misc2::icebp.with(misc2));
            const std::uint32_t new_drs = drs | svm::dr6_intercepts;
            if (new_exceptions != exceptions) v.set_exception_intercepts(new_exceptions);
            if (new_misc2 != misc2) v.set_misc2_intercepts(new_misc2);
            if (new_drs != drs) v.set_dr_intercepts(new_drs);
        } else {
            v.set_exception_intercepts(state_.hypervisor_exception_intercepts);
            if (!core::has_more(state_, core::more_flag::hypervisor_icebp_intercept)) {
                v.set_misc2_intercepts(static_cast<std::uint32_t>(svm::misc2::icebp.without(misc2)));
            }
            if (!core::has_more(state_, core::more_flag::hypervisor_dr6_intercepts)) {
                v.set_dr_intercepts(drs & ~svm::dr6_intercepts);
            }
        }
    }
};

}  // namespace floor
}  // namespace hvstep_bench
