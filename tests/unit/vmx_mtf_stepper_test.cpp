// vmx::mtf_stepper<Vmcs> driven through its hooks, exit by exit, over a counting VMCS.
//
// Each check sets the VMCS as the processor leaves it at a VM exit, calls the
// hooks in the order a hypervisor does (on_exit -> [after_emulation] ->
// before_entry) and checks the fields written, the report and the step state.
// Rules: Intel SDM Vol. 3C §26.5.2 "Monitor Trap Flag" (MTF exits after one
// instruction or after an event delivery, priority over pending debug traps),
// §25.4.2 (pending-debug-exceptions), §27.3.1.5 (VM-entry checks), §27.6.1
// (event injection).
//
// Accesses per hook (mock_vmcs counts VMREAD/VMWRITE and the guest-DR6 calls;
// AccessCountsPerHook pins them):
//   on_exit, any exit but MTF (armed or idle)     0 reads, 0 writes
//   on_exit, MTF exit (reason 37)                 1 read  (guest RIP), 0 writes
//   before_entry, idle and control already off    0 reads, 0 writes
//   before_entry, armed, control already on       1 read  (VM-entry interruption info), 0 writes
//   before_entry, first entry after arm()         2 reads (entry info, primary controls), 1 write (primary)
//   before_entry, first entry after disarm()      1 read  (primary controls), 1 write (primary)
//   after_emulation, guest TF=0                   2 reads (RFLAGS, RIP), 0 writes
//   after_emulation, guest TF=1                   3 reads (+ guest DR6), 2 writes (guest DR6, entry info)

#include "hvstep/vmx/mtf_stepper.hpp"

#include <cstdint>
#include <initializer_list>

#include "dual_test.hpp"
#include "hvstep/core/entry_consistency.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/rflags.hpp"
#include "mock_vmcs.hpp"

namespace {

namespace core = hvstep::core;
namespace vmx = hvstep::vmx;
namespace x86 = hvstep::x86;
using hvstep_test::mock_vmcs;
using F = vmx::vmcs_field;
using stepper = vmx::mtf_stepper<mock_vmcs>;

constexpr unsigned debugger = core::clients::debugger;
constexpr unsigned nmi_window = core::clients::nmi_window;

constexpr std::uint64_t rflags_if = x86::rflags::reserved_one.mask | x86::rflags::if_.mask;  // 0x202
constexpr std::uint64_t tf = x86::rflags::tf.mask;
constexpr std::uint64_t mtf_bit = vmx::primary_processor_controls::monitor_trap_flag.mask;
// The hypervisor's own primary controls: MTF must come and go without touching them.
constexpr std::uint64_t hypervisor_primary = vmx::primary_processor_controls::hlt_exiting.mask |
                                             vmx::primary_processor_controls::use_msr_bitmaps.mask |
                                             vmx::primary_processor_controls::activate_secondary_controls.mask;
constexpr std::uint64_t pending_bs = vmx::pending_debug_exceptions::bs.mask;

constexpr std::uint32_t reason(vmx::exit_reason r) { return static_cast<std::uint32_t>(r); }
constexpr std::uint32_t mtf_exit = reason(vmx::exit_reason::monitor_trap_flag);
constexpr std::uint32_t db_injection =
    vmx::make_interruption_info(1, vmx::interruption_type::hardware_exception, false);  // 0x80000301

constexpr std::uint64_t state_only_flags(const stepper& s) { return s.state().flags; }

// A guest as the processor leaves it at a VM exit.
constexpr mock_vmcs guest_at(std::uint64_t rflags, std::uint64_t rip) {
    mock_vmcs v{};
    v.poke(F::guest_rflags, rflags);
    v.poke(F::guest_rip, rip);
    v.poke(F::primary_processor_controls, hypervisor_primary);
    v.poke(F::guest_interruptibility_state, 0);
    v.poke(F::guest_activity_state, 0);
    v.poke(F::guest_pending_debug_exceptions, 0);
    v.poke(F::vm_entry_interruption_info, 0);
    return v;
}

// Every VM exit clears the valid bit of the VM-entry interruption-information
// field (SDM Vol. 3C §28.2 "Recording VM-Exit Information and Updating VM-Entry
// Control Fields"); the guest has moved on to `rip`.
constexpr void vm_exit(mock_vmcs& v, std::uint64_t rip) {
    v.poke(F::vm_entry_interruption_info, 0);
    v.poke(F::guest_rip, rip);
}

// ---- Rule 1: MTF arm/disarm sets/clears primary control bit 27 exactly once ----

constexpr bool check_mtf_control_written_once_on_arm_and_once_on_disarm() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    if (s.arm(debugger) != core::arm_result::armed) return false;

    v.reset_counts();
    s.before_entry(v);
    const bool armed_entry = v.peek(F::primary_processor_controls) == (hypervisor_primary | mtf_bit) &&
                             v.writes == 1 && v.reads == 3;  // entry info, pending debug, controls

    vm_exit(v, 0x1003);
    v.reset_counts();
    const auto r = s.on_exit(v, mtf_exit);
    const bool exit_ok = r.was_step() && r.report.clients == core::client_set::only(debugger) &&
                         r.report.cause == core::step_cause::instruction && r.report.rip == 0x1003 &&
                         !r.hypervisor_handles && v.writes == 0 && v.reads == 1;

    v.reset_counts();
    s.before_entry(v);  // still armed: the control is already on, no VMWRITE
    const bool unchanged = v.writes == 0 && v.reads == 2 &&
                           v.peek(F::primary_processor_controls) == (hypervisor_primary | mtf_bit);

    s.disarm(debugger);
    v.reset_counts();
    s.before_entry(v);
    const bool disarm_entry =
        v.peek(F::primary_processor_controls) == hypervisor_primary && v.writes == 1 && v.reads == 1;

    v.reset_counts();
    s.before_entry(v);  // idle, control off: nothing at all
    const bool idle = v.writes == 0 && v.reads == 0 && !core::has(s.state(), core::state_flag::trap_controls);
    return armed_entry && exit_ok && unchanged && disarm_entry && idle;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfControlWrittenOnceOnArmAndOnceOnDisarm,
                 check_mtf_control_written_once_on_arm_and_once_on_disarm)

constexpr bool check_mtf_exit_reason_37_is_reported_other_exits_are_the_hypervisors() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);

    vm_exit(v, 0x1000);  // a CPUID exit: the instruction has not run
    v.reset_counts();
    const auto cpuid = s.on_exit(v, reason(vmx::exit_reason::cpuid));
    const bool cpuid_ok = !cpuid.was_step() && cpuid.hypervisor_handles && v.reads == 0 && v.writes == 0;

    vm_exit(v, 0x1002);
    const auto mtf = s.on_exit(v, mtf_exit);
    return cpuid_ok && mtf.was_step() && !mtf.hypervisor_handles && mtf.report.rip == 0x1002 &&
           mtf.report.cause == core::step_cause::instruction && !mtf.fixup.any() && !mtf.dr6.pending;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfExitReason37IsReportedOtherExitsAreTheHypervisors,
                 check_mtf_exit_reason_37_is_reported_other_exits_are_the_hypervisors)

// MTF has priority over pending debug traps: the guest's own TF trap waits in
// pending-debug-exceptions.BS and the next entry delivers it (SDM Vol. 3C §26.5.2).
constexpr bool check_mtf_exit_leaves_guest_pending_db_untouched() {
    auto v = guest_at(rflags_if | tf, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);

    vm_exit(v, 0x1001);
    v.poke(F::guest_pending_debug_exceptions, pending_bs);
    v.reset_counts();
    const auto r = s.on_exit(v, mtf_exit);
    s.before_entry(v);
    return r.was_step() && v.writes == 0 && v.peek(F::guest_pending_debug_exceptions) == pending_bs &&
           v.peek(F::guest_rflags) == (rflags_if | tf) && v.peek(F::vm_entry_interruption_info) == 0 &&
           v.guest_dr6 == x86::dr6::init_value;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfExitLeavesGuestPendingDbUntouched, check_mtf_exit_leaves_guest_pending_db_untouched)

// Rule 7 for MTF: the mechanism never touches RFLAGS, whatever the guest's TF.
constexpr bool check_mtf_never_writes_rflags() {
    for (const std::uint64_t guest_tf : {std::uint64_t{0}, tf}) {
        auto v = guest_at(rflags_if | guest_tf, 0x1000);
        stepper s;
        s.arm(debugger);
        for (std::uint64_t rip = 0x1001; rip < 0x1005; ++rip) {
            s.before_entry(v);
            vm_exit(v, rip);
            s.on_exit(v, mtf_exit);
        }
        s.disarm(debugger);
        s.before_entry(v);
        if (v.peek(F::guest_rflags) != (rflags_if | guest_tf)) return false;
        if (v.peek(F::guest_pending_debug_exceptions) != 0) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfNeverWritesRflags, check_mtf_never_writes_rflags)

// ---- Rule 9: the VM-entry check on pending BS holds after every before_entry ----

constexpr bool check_vmentry_pending_bs_check_holds_after_every_before_entry() {
    constexpr std::uint64_t sti = vmx::interruptibility::blocking_by_sti.mask;
    constexpr std::uint64_t mov_ss = vmx::interruptibility::blocking_by_mov_ss.mask;
    const std::uint64_t shadows[] = {0, sti, mov_ss, 0};
    for (unsigned shadow_case = 0; shadow_case < 4; ++shadow_case) {
        const bool halted = shadow_case == 3;
        for (const bool guest_tf : {false, true}) {
            for (const bool armed : {false, true}) {
                for (const bool injecting : {false, true}) {
                    auto v = guest_at(rflags_if | (guest_tf ? tf : 0), 0x1000);
                    const core::shadow_state shadow{(shadows[shadow_case] & sti) != 0,
                                                    (shadows[shadow_case] & mov_ss) != 0, halted};
                    v.poke(F::guest_interruptibility_state, shadows[shadow_case]);
                    v.poke(F::guest_activity_state, halted ? 1U : 0U);
                    // The state the processor saved is itself consistent.
                    v.poke(F::guest_pending_debug_exceptions, shadow.any() && guest_tf ? pending_bs : 0);
                    v.poke(F::vm_entry_interruption_info, injecting ? db_injection : 0);
                    stepper s;
                    if (armed) s.arm(debugger);
                    s.before_entry(v);
                    const bool tf_now = x86::rflags::tf.is_set(v.peek(F::guest_rflags));
                    const bool bs_now = vmx::pending_debug_exceptions::bs.is_set(v.peek(F::guest_pending_debug_exceptions));
                    if (!core::passes_pending_bs_check(shadow, tf_now, false, bs_now)) return false;
                    if (shadow.any() && bs_now != tf_now) return false;  // SDM §27.3.1.5 spelled out (BTF=0)
                }
            }
        }
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, VmEntryPendingBsCheckHoldsAfterEveryBeforeEntry,
                 check_vmentry_pending_bs_check_holds_after_every_before_entry)

// ---- Rule 10: events held while armed, unless the client steps into events ----

constexpr bool check_events_held_while_armed_unless_step_into() {
    stepper s;
    const bool idle = !s.events_held();
    s.arm(debugger);
    const bool held = s.events_held();
    s.disarm(debugger);
    s.arm(debugger, core::granularity::instruction, core::persistence::continuous, core::step_into_events);
    const bool step_into = !s.events_held();
    s.disarm_all();
    return idle && held && step_into && !s.events_held();
}
HVSTEP_DUAL_TEST(VmxMtfStepper, EventsHeldWhileArmedUnlessStepInto, check_events_held_while_armed_unless_step_into)

// Step into: an MTF exit after an entry that injected an event is at the
// handler's first instruction (SDM Vol. 3C §26.5.2) and says so.
constexpr bool check_step_into_mtf_exit_after_injection_reports_event_delivery() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(debugger, core::granularity::instruction, core::persistence::continuous, core::step_into_events);
    // The hypervisor injects an external interrupt, vector 0x30 (allowed: events not held).
    v.poke(F::vm_entry_interruption_info,
           vmx::make_interruption_info(0x30, vmx::interruption_type::external_interrupt, false));
    s.before_entry(v);
    vm_exit(v, 0xFFFF'8000'0000'0100);  // the handler's first instruction
    const auto delivery = s.on_exit(v, mtf_exit);
    s.before_entry(v);  // no injection now
    vm_exit(v, 0xFFFF'8000'0000'0101);
    const auto next = s.on_exit(v, mtf_exit);
    return delivery.report.cause == core::step_cause::event_delivery &&
           delivery.report.rip == 0xFFFF'8000'0000'0100 && delivery.report.clients == core::client_set::only(debugger) &&
           next.report.cause == core::step_cause::instruction && !core::has(s.state(), core::state_flag::delivering);
}
HVSTEP_DUAL_TEST(VmxMtfStepper, StepIntoMtfExitAfterInjectionReportsEventDelivery,
                 check_step_into_mtf_exit_after_injection_reports_event_delivery)

// ---- Rule 11: a fault during the step ----

// The stepped instruction faults with #GP that the hypervisor intercepts for
// its own reasons; it re-injects the #GP, and the MTF exit after the delivery
// is at the handler: event_delivery.
constexpr bool check_fault_reinjected_by_hypervisor_ends_step_in_delivery() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);

    vm_exit(v, 0x1000);
    v.poke(F::vm_exit_interruption_info, vmx::make_interruption_info(13, vmx::interruption_type::hardware_exception, true));
    v.reset_counts();
    const auto gp = s.on_exit(v, reason(vmx::exit_reason::exception_or_nmi));
    const bool gp_ok = gp.hypervisor_handles && !gp.was_step() && v.reads == 0 && v.writes == 0;

    v.poke(F::vm_entry_interruption_info, vmx::make_interruption_info(13, vmx::interruption_type::hardware_exception, true));
    s.before_entry(v);
    vm_exit(v, 0xFFFF'8000'0000'0D00);
    const auto r = s.on_exit(v, mtf_exit);
    return gp_ok && r.report.cause == core::step_cause::event_delivery && r.report.rip == 0xFFFF'8000'0000'0D00;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, FaultReinjectedByHypervisorEndsStepInDelivery,
                 check_fault_reinjected_by_hypervisor_ends_step_in_delivery)

// The guest steps itself (TF=1). The MTF exit after its instruction leaves the
// guest's trap in pending BS (MTF has priority); the next entry, not injecting,
// delivers that #DB before any instruction, and "an MTF VM exit is pending on
// the instruction boundary following delivery of the event" (SDM Vol. 3C
// §26.5.2): that exit is at the guest's #DB handler and says event_delivery.
constexpr bool check_pending_guest_db_delivered_at_entry_reports_event_delivery() {
    auto v = guest_at(rflags_if | tf, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);
    vm_exit(v, 0x1001);
    v.poke(F::guest_pending_debug_exceptions, pending_bs);
    const auto first = s.on_exit(v, mtf_exit);
    s.before_entry(v);  // entry delivers the pending #DB through the guest's IDT
    vm_exit(v, 0xFFFF'8000'0000'0100);
    v.poke(F::guest_pending_debug_exceptions, 0);
    v.poke(F::guest_rflags, rflags_if);  // the delivery cleared TF
    const auto second = s.on_exit(v, mtf_exit);
    return first.report.cause == core::step_cause::instruction &&
           second.report.cause == core::step_cause::event_delivery;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, PendingGuestDbDeliveredAtEntryReportsEventDelivery,
                 check_pending_guest_db_delivered_at_entry_reports_event_delivery)

// Documented limitation (docs/step-rules.md): a fault the processor delivers
// without a VM exit (MTF intercepts no exception) ends the step at the
// handler's first instruction (SDM Vol. 3C §26.5.2) — one report, as the
// hardware counts it — but nothing in the VMCS at that exit records the
// delivery, so its cause reads `instruction`. This pins that behaviour; a
// hypervisor that needs the label intercepts the vectors it cares about.
constexpr bool check_fault_delivered_without_exit_reports_instruction_cause() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);
    // The instruction at 0x1000 takes #PF; the guest IDT sends it to 0xFFFF800000000E00,
    // and the MTF exit comes there, after the delivery (SDM Vol. 3C §26.5.2).
    vm_exit(v, 0xFFFF'8000'0000'0E00);
    const auto r = s.on_exit(v, mtf_exit);
    return r.report.any() && r.report.cause == core::step_cause::instruction &&
           r.report.rip == 0xFFFF'8000'0000'0E00;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, FaultDeliveredWithoutExitIsOneReportWithInstructionCause,
                 check_fault_delivered_without_exit_reports_instruction_cause)

// ---- Rule 12: after_emulation ----

constexpr bool check_after_emulation_reports_and_injects_guest_db_when_guest_owns_tf() {
    auto v = guest_at(rflags_if | tf, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);
    vm_exit(v, 0x1000);
    const auto cpuid = s.on_exit(v, reason(vmx::exit_reason::cpuid));
    v.poke(F::guest_rip, 0x1002);  // the hypervisor emulated CPUID and advanced RIP
    v.reset_counts();
    const auto e = s.after_emulation(v);
    const bool emulated = cpuid.hypervisor_handles && e.report.cause == core::step_cause::emulated_instruction &&
                          e.report.rip == 0x1002 && e.report.clients == core::client_set::only(debugger) &&
                          e.guest_db_injected && v.peek(F::vm_entry_interruption_info) == db_injection &&
                          v.guest_dr6 == (x86::dr6::init_value | x86::dr6::bs.mask) && v.reads == 6 &&
                          v.writes == 2;
    // The #DB is delivered on the next entry, so the next MTF exit is at its handler.
    s.before_entry(v);
    vm_exit(v, 0xFFFF'8000'0000'0100);
    const auto r = s.on_exit(v, mtf_exit);
    return emulated && r.report.cause == core::step_cause::event_delivery;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, AfterEmulationReportsAndInjectsGuestDbWhenGuestOwnsTf,
                 check_after_emulation_reports_and_injects_guest_db_when_guest_owns_tf)

constexpr bool check_after_emulation_injects_nothing_when_guest_tf_clear() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);
    vm_exit(v, 0x1000);
    s.on_exit(v, reason(vmx::exit_reason::io_instruction));
    v.poke(F::guest_rip, 0x1001);
    v.reset_counts();
    const auto e = s.after_emulation(v);
    return e.report.cause == core::step_cause::emulated_instruction && !e.guest_db_injected &&
           v.peek(F::vm_entry_interruption_info) == 0 && v.guest_dr6 == x86::dr6::init_value && v.reads == 2 &&
           v.writes == 0;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, AfterEmulationInjectsNothingWhenGuestTfClear,
                 check_after_emulation_injects_nothing_when_guest_tf_clear)

// ---- Rule 13: MTF exits are not blocked in HLT: MTF keeps arming ----

constexpr bool check_mtf_keeps_arming_in_hlt() {
    auto v = guest_at(rflags_if, 0x1001);
    v.poke(F::guest_activity_state, static_cast<std::uint64_t>(vmx::activity_state::hlt));
    stepper s;
    s.arm(debugger);
    s.before_entry(v);
    return (v.peek(F::primary_processor_controls) & mtf_bit) != 0 &&
           v.peek(F::guest_activity_state) == static_cast<std::uint64_t>(vmx::activity_state::hlt) &&
           v.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfKeepsArmingInHlt, check_mtf_keeps_arming_in_hlt)

// ---- Rule 15: MTF cannot branch-step ----

constexpr bool check_mtf_refuses_branch_steps() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    const auto result = s.arm(debugger, core::granularity::branch);
    v.reset_counts();
    s.before_entry(v);
    return result == core::arm_result::unsupported_granularity && !s.state().is_armed() && v.reads == 0 &&
           v.writes == 0 && v.peek(F::primary_processor_controls) == hypervisor_primary;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfRefusesBranchSteps, check_mtf_refuses_branch_steps)

// ---- Rule 16: two clients, one MTF exit ----

constexpr bool check_two_clients_share_one_mtf_exit_and_guest_db_survives() {
    auto v = guest_at(rflags_if | tf, 0x1000);
    stepper s;
    s.arm(debugger);
    s.arm(nmi_window, core::granularity::instruction, core::persistence::one_step);
    s.before_entry(v);
    vm_exit(v, 0x1001);
    v.poke(F::guest_pending_debug_exceptions, pending_bs);  // the guest's own TF trap, held by MTF
    const auto r = s.on_exit(v, mtf_exit);
    const bool both = r.report.clients == (core::client_set::only(debugger) | core::client_set::only(nmi_window));
    const bool retired = s.state().armed_clients() == core::client_set::only(debugger);
    s.before_entry(v);
    return both && retired && v.peek(F::guest_pending_debug_exceptions) == pending_bs &&
           (v.peek(F::primary_processor_controls) & mtf_bit) != 0;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, TwoClientsShareOneMtfExitAndGuestDbSurvives,
                 check_two_clients_share_one_mtf_exit_and_guest_db_survives)

constexpr bool check_one_step_client_retires_and_control_goes_off() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(nmi_window, core::granularity::instruction, core::persistence::one_step);
    s.before_entry(v);
    vm_exit(v, 0x1001);
    const auto r = s.on_exit(v, mtf_exit);
    v.reset_counts();
    s.before_entry(v);
    return r.report.clients == core::client_set::only(nmi_window) && !s.state().is_armed() && !s.events_held() &&
           v.peek(F::primary_processor_controls) == hypervisor_primary && v.writes == 1;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, OneStepClientRetiresAndControlGoesOff, check_one_step_client_retires_and_control_goes_off)

// ---- Rule 17: unexpected exits ----

// Disarmed while the guest ran: the MTF exit that was already due is stale.
// hvstep consumes it (no report, not the hypervisor's) and turns the control off at entry.
constexpr bool check_stale_mtf_exit_after_disarm_is_consumed() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    s.arm(debugger);
    s.before_entry(v);
    s.disarm(debugger);
    vm_exit(v, 0x1001);
    v.reset_counts();
    const auto r = s.on_exit(v, mtf_exit);
    const bool consumed = !r.was_step() && !r.hypervisor_handles && v.writes == 0;
    s.before_entry(v);
    return consumed && v.peek(F::primary_processor_controls) == hypervisor_primary;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, StaleMtfExitAfterDisarmIsConsumed, check_stale_mtf_exit_after_disarm_is_consumed)

// Never armed: hvstep did not set the control, so the MTF exit is not its
// own (the hypervisor's MTF, or a pending-MTF injection, SDM §27.6.2): the
// hypervisor handles it, and hvstep writes nothing.
constexpr bool check_mtf_exit_hvstep_never_requested_is_the_hypervisors() {
    auto v = guest_at(rflags_if, 0x1001);
    v.poke(F::primary_processor_controls, hypervisor_primary | mtf_bit);  // the hypervisor's own MTF
    stepper s;
    v.reset_counts();
    const auto r = s.on_exit(v, mtf_exit);
    const auto before = s.state();
    s.before_entry(v);
    return r.hypervisor_handles && !r.was_step() && v.writes == 0 && s.state().flags == before.flags &&
           !s.state().is_armed() && v.peek(F::primary_processor_controls) == (hypervisor_primary | mtf_bit);
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfExitHvstepNeverRequestedIsTheHypervisors,
                 check_mtf_exit_hvstep_never_requested_is_the_hypervisors)

// The hypervisor had MTF on itself when hvstep armed: hvstep neither rewrites
// it nor turns it off at disarm, and each MTF exit is reported to the clients
// and still handed to the hypervisor.
constexpr bool check_mtf_keeps_hypervisors_control() {
    auto v = guest_at(rflags_if, 0x1000);
    v.poke(F::primary_processor_controls, hypervisor_primary | mtf_bit);
    stepper s;
    s.arm(debugger);
    v.reset_counts();
    s.before_entry(v);
    const bool armed_entry = v.writes == 0 && v.peek(F::primary_processor_controls) == (hypervisor_primary | mtf_bit);
    vm_exit(v, 0x1001);
    const auto r = s.on_exit(v, mtf_exit);
    s.disarm(debugger);
    v.reset_counts();
    s.before_entry(v);
    return armed_entry && r.was_step() && r.hypervisor_handles && v.writes == 0 &&
           v.peek(F::primary_processor_controls) == (hypervisor_primary | mtf_bit);
}
HVSTEP_DUAL_TEST(VmxMtfStepper, MtfKeepsHypervisorsControl, check_mtf_keeps_hypervisors_control)

constexpr bool check_unknown_exit_reasons_are_the_hypervisors() {
    const std::uint32_t odd[] = {0xFFFFU, 0x8000'0021U /* entry failure, invalid guest state */,
                                 0x1000'0000U | reason(vmx::exit_reason::cpuid) /* pending-MTF bit 28 on another exit */,
                                 0xFFFF'FFFFU};
    for (const std::uint32_t raw : odd) {
        auto v = guest_at(rflags_if, 0x1000);
        stepper s;
        s.arm(debugger);
        s.before_entry(v);
        const auto before = s.state();
        v.reset_counts();
        const auto r = s.on_exit(v, raw);
        if (!r.hypervisor_handles || r.was_step() || v.reads != 0 || v.writes != 0) return false;
        if (s.state().flags != before.flags || s.state().armed != before.armed) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, UnknownExitReasonsAreTheHypervisors, check_unknown_exit_reasons_are_the_hypervisors)

// ---- Access counts ----

constexpr bool check_idle_unrelated_exit_makes_no_access() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    v.reset_counts();
    const auto r = s.on_exit(v, reason(vmx::exit_reason::ept_violation));
    s.before_entry(v);
    return r.hypervisor_handles && v.reads == 0 && v.writes == 0 && state_only_flags(s) == 0;
}
HVSTEP_DUAL_TEST(VmxMtfStepper, IdleUnrelatedExitMakesNoAccess, check_idle_unrelated_exit_makes_no_access)

constexpr bool check_access_counts_per_hook() {
    auto v = guest_at(rflags_if, 0x1000);
    stepper s;
    bool ok = true;
    s.arm(debugger);
    v.reset_counts();
    s.before_entry(v);
    ok = ok && v.reads == 3 && v.writes == 1;  // first entry after arm
    vm_exit(v, 0x1001);
    v.reset_counts();
    s.on_exit(v, mtf_exit);
    ok = ok && v.reads == 1 && v.writes == 0;  // MTF exit
    v.reset_counts();
    s.on_exit(v, reason(vmx::exit_reason::rdmsr));
    ok = ok && v.reads == 0 && v.writes == 0;  // other exit, armed
    v.reset_counts();
    s.after_emulation(v);
    ok = ok && v.reads == 2 && v.writes == 0;  // emulation, guest TF=0
    v.reset_counts();
    s.before_entry(v);
    ok = ok && v.reads == 2 && v.writes == 0;  // steady armed entry (entry info, pending debug)
    s.disarm_all();
    v.reset_counts();
    s.before_entry(v);
    ok = ok && v.reads == 1 && v.writes == 1;  // first entry after disarm
    v.reset_counts();
    s.before_entry(v);
    return ok && v.reads == 0 && v.writes == 0;  // idle entry
}
HVSTEP_DUAL_TEST(VmxMtfStepper, AccessCountsPerHook, check_access_counts_per_hook)

}  // namespace
