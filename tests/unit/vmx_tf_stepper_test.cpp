// vmx::tf_stepper<Vmcs> driven through its hooks, exit by exit, over a counting VMCS.
//
// Each check sets the VMCS as the processor leaves it at a VM exit (exit
// reason, VM-exit interruption information, exit qualification, RFLAGS, RIP,
// interruptibility, activity, pending debug exceptions), calls the hooks in
// the order a hypervisor does (on_exit -> [after_emulation] -> before_entry)
// and checks the fields written, the report, hypervisor_handles, the fix-ups
// and the step state.
// Rules: Intel SDM Vol. 3B §18.3.1 (#DB conditions and classes), §18.3.1.4
// (single-step), §18.4.3 (BTF); Vol. 3C §25.4.2 (interruptibility, activity,
// pending debug exceptions), §27.3.1.5 (the VM-entry check on pending BS,
// XSA-308), §27.6.1 (event injection), §28.2.1 (#DB exit qualification).
//
// Accesses per hook (mock_vmcs counts VMREAD/VMWRITE and the DR6/CR2 calls;
// AccessCountsPerHook pins them). Reads / writes:
//   on_exit, idle (any exit)                                   0 / 0
//   on_exit, armed, exit reason other than 0                   0 / 0
//   on_exit, armed, reason 0 with NMI                          1 / 0  (exit interruption info)
//   on_exit, #DB, clients' step only                           5 / 0  (info, qualification, DR7, RFLAGS, RIP)
//   on_exit, #DB with a guest part to re-inject                6 / 2  (+ guest DR6 read; DR6, entry info written)
//   on_exit, #DB consumed instruction-breakpoint fault         5 / 1  (RFLAGS.RF)
//   on_exit, ICEBP (type 5, vector 1)                          4 / 2  (+ instruction length; length, entry info)
//   on_exit, #GP (error code)                                  5 / 2  (info, IDT-vectoring, RFLAGS, RIP, error code)
//   on_exit, #PF                                               6 / 3  (+ exit qualification; CR2 written)
//   on_exit, #BP (software exception)                          5 / 2  (+ instruction length)
//   on_exit, vector the hypervisor intercepts itself           4 / 0
//   before_entry, idle                                         0 / 0
//   before_entry, first entry after arm (guest TF=0)           7 / 2  (RFLAGS, DEBUGCTL, interruptibility,
//                                                                      activity, pending, entry info, bitmap;
//                                                                      RFLAGS and bitmap written)
//   before_entry, armed, TF already forced                     6 / 0
//   before_entry, armed, injecting (TF given back)             6 / 1  (RFLAGS)
//   before_entry, first entry after disarm (guest TF=0)        6 / 2  (RFLAGS, bitmap)
//   + 1 write each for DEBUGCTL.BTF, blocking-by-STI, pending BS when they change
//   after_emulation, guest TF=0 / guest TF=1                   2 / 0, 3 / 2

#include "hvstep/vmx/tf_stepper.hpp"

#include <cstdint>
#include <initializer_list>

#include "dual_test.hpp"
#include "hvstep/core/entry_consistency.hpp"
#include "hvstep/core/next_instruction.hpp"
#include "hvstep/core/tf_engine.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"
#include "mock_vmcs.hpp"

namespace {

namespace core = hvstep::core;
namespace vmx = hvstep::vmx;
namespace x86 = hvstep::x86;
using hvstep_test::mock_vmcs;
using F = vmx::vmcs_field;
using stepper = vmx::tf_stepper<mock_vmcs>;
using next = core::next_instruction;
using itype = vmx::interruption_type;

constexpr unsigned debugger = core::clients::debugger;
constexpr unsigned nmi_window = core::clients::nmi_window;

constexpr std::uint64_t rflags_if = x86::rflags::reserved_one.mask | x86::rflags::if_.mask;  // 0x202
constexpr std::uint64_t tf = x86::rflags::tf.mask;
constexpr std::uint64_t rf = x86::rflags::rf.mask;
constexpr std::uint64_t btf = x86::debugctl::btf.mask;
constexpr std::uint64_t lbr = x86::debugctl::lbr.mask;
constexpr std::uint64_t sti = vmx::interruptibility::blocking_by_sti.mask;
constexpr std::uint64_t mov_ss = vmx::interruptibility::blocking_by_mov_ss.mask;
constexpr std::uint64_t nmi_blocking = vmx::interruptibility::blocking_by_nmi.mask;
constexpr std::uint64_t pending_bs = vmx::pending_debug_exceptions::bs.mask;
constexpr std::uint64_t hlt = static_cast<std::uint64_t>(vmx::activity_state::hlt);

constexpr std::uint64_t q_bs = vmx::debug_qualification::bs.mask;
constexpr std::uint64_t q_bd = vmx::debug_qualification::bd.mask;
constexpr std::uint64_t q_rtm = vmx::debug_qualification::rtm.mask;
constexpr std::uint64_t dr6_init = x86::dr6::init_value;  // 0xffff0ff0
constexpr std::uint64_t dr6_bs = x86::dr6::bs.mask;

constexpr std::uint32_t bit(x86::vector v) { return vmx::exception_bit(static_cast<unsigned>(v)); }
// The hypervisor's own exception bitmap: #UD (it emulates something) and #MC.
constexpr std::uint32_t hypervisor_bitmap = bit(x86::vector::ud) | bit(x86::vector::mc);

constexpr std::uint32_t info(std::uint8_t vector, itype type, bool error_code = false) {
    return vmx::make_interruption_info(vector, type, error_code);
}
constexpr std::uint32_t db_info = info(1, itype::hardware_exception);  // 0x80000301
constexpr std::uint32_t reason(vmx::exit_reason r) { return static_cast<std::uint32_t>(r); }
constexpr std::uint32_t exception_exit = reason(vmx::exit_reason::exception_or_nmi);

// A guest as the processor leaves it at a VM exit.
constexpr mock_vmcs guest_at(std::uint64_t rflags, std::uint64_t rip = 0x1000) {
    mock_vmcs v{};
    v.poke(F::guest_rflags, rflags);
    v.poke(F::guest_rip, rip);
    v.poke(F::guest_debugctl, 0);
    v.poke(F::guest_dr7, x86::dr7::init_value);
    v.poke(F::guest_interruptibility_state, 0);
    v.poke(F::guest_activity_state, 0);
    v.poke(F::guest_pending_debug_exceptions, 0);
    v.poke(F::vm_entry_interruption_info, 0);
    v.poke(F::idt_vectoring_info, 0);
    v.poke(F::exception_bitmap, hypervisor_bitmap);
    return v;
}

// Every VM exit clears the valid bit of the VM-entry interruption information
// (SDM Vol. 3C §28.2 "Recording VM-Exit Information and Updating VM-Entry
// Control Fields") and saves the guest's RFLAGS and RIP.
constexpr void vm_exit(mock_vmcs& v, std::uint64_t rflags, std::uint64_t rip) {
    v.poke(F::vm_entry_interruption_info, 0);
    v.poke(F::idt_vectoring_info, 0);
    v.poke(F::guest_rflags, rflags);
    v.poke(F::guest_rip, rip);
}

// A #DB VM exit: reason 0, vector 1 type 3, the conditions in the exit
// qualification (SDM Vol. 3C §28.2.1), RFLAGS/RIP after the instruction for a trap.
constexpr std::uint32_t db_exit(mock_vmcs& v, std::uint64_t qualification, std::uint64_t rflags, std::uint64_t rip) {
    vm_exit(v, rflags, rip);
    v.poke(F::vm_exit_interruption_info, db_info);
    v.poke(F::exit_qualification, qualification);
    return exception_exit;
}

// Any other exception exit; a fault leaves RFLAGS/RIP as before the instruction.
constexpr std::uint32_t fault_exit(mock_vmcs& v, std::uint32_t exit_info, std::uint32_t error_code, std::uint64_t rflags,
                                   std::uint64_t rip) {
    vm_exit(v, rflags, rip);
    v.poke(F::vm_exit_interruption_info, exit_info);
    v.poke(F::vm_exit_interruption_error_code, error_code);
    return exception_exit;
}

struct rig {
    mock_vmcs vmcs;
    stepper s;
};

// A debugger armed (instruction, continuous) and the first entry made.
constexpr rig armed(std::uint64_t guest_rflags, next n = next::ordinary) {
    rig r{guest_at(guest_rflags), stepper{}};
    r.s.arm(debugger);
    r.s.before_entry(r.vmcs, n);
    return r;
}

constexpr bool guest_tf_owned(const stepper& s) { return core::has(s.state(), core::state_flag::guest_tf); }
constexpr bool tf_forced(const stepper& s) { return core::has(s.state(), core::state_flag::tf_forced); }
constexpr bool idle_state(const stepper& s) {
    return !s.state().is_armed() && !tf_forced(s) && !core::has(s.state(), core::state_flag::trap_controls);
}

// ---- Rule 2: arming ----

constexpr bool check_tf_arm_saves_guest_tf_and_rf_and_intercepts_db() {
    auto v = guest_at(rflags_if | rf);  // RF=1: resuming after the guest's own instruction-breakpoint fault
    stepper s;
    s.arm(debugger);
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    const auto bitmap = static_cast<std::uint32_t>(v.peek(F::exception_bitmap));
    return v.peek(F::guest_rflags) == (rflags_if | rf | tf) && (bitmap & bit(x86::vector::db)) != 0 &&
           bitmap == (hypervisor_bitmap | core::stepping_exception_intercepts) &&
           // nothing injected and no pending trap: the first trap follows the first instruction
           v.peek(F::vm_entry_interruption_info) == 0 && v.peek(F::guest_pending_debug_exceptions) == 0 &&
           !guest_tf_owned(s) && tf_forced(s) && s.guest_rflags(v) == (rflags_if | rf) && v.guest_dr6 == dr6_init;
}
HVSTEP_DUAL_TEST(VmxTfStepper, TfArmSavesGuestTfAndRfAndInterceptsDb, check_tf_arm_saves_guest_tf_and_rf_and_intercepts_db)

constexpr bool check_tf_arm_keeps_guest_own_tf() {
    auto v = guest_at(rflags_if | tf);
    stepper s;
    s.arm(debugger);
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    return guest_tf_owned(s) && v.peek(F::guest_rflags) == (rflags_if | tf) && v.writes == 1 /* the bitmap only */;
}
HVSTEP_DUAL_TEST(VmxTfStepper, TfArmKeepsGuestOwnTf, check_tf_arm_keeps_guest_own_tf)

// Every resumable fault and trap is intercepted (their frames would carry
// hvstep's TF); not NMI, not the aborts #DF and #MC, not reserved vectors.
constexpr bool check_tf_arm_intercepts_resumable_exceptions_not_machine_checks() {
    auto v = guest_at(rflags_if);
    v.poke(F::exception_bitmap, bit(x86::vector::pf));
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    const auto bitmap = static_cast<std::uint32_t>(v.peek(F::exception_bitmap));
    return (bitmap & bit(x86::vector::mc)) == 0 && (bitmap & bit(x86::vector::nmi)) == 0 &&
           (bitmap & bit(x86::vector::df)) == 0 && (bitmap & bit(x86::vector::pf)) != 0 &&
           (bitmap & bit(x86::vector::gp)) != 0 && (bitmap & bit(x86::vector::bp)) != 0 &&
           (bitmap & bit(x86::vector::db)) != 0 && bitmap == (bit(x86::vector::pf) | core::stepping_exception_intercepts);
}
HVSTEP_DUAL_TEST(VmxTfStepper, TfArmInterceptsResumableExceptionsNotMachineChecks,
                 check_tf_arm_intercepts_resumable_exceptions_not_machine_checks)

constexpr bool check_disarm_restores_hypervisor_bitmap_exactly_and_guest_tf() {
    for (const std::uint64_t guest_tf : {std::uint64_t{0}, tf}) {
        auto r = armed(rflags_if | rf | guest_tf);
        const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | rf | tf, 0x1002));
        if (!x.was_step()) return false;
        r.s.before_entry(r.vmcs, next::ordinary);
        r.s.disarm(debugger);
        r.s.before_entry(r.vmcs, next::ordinary);
        if (r.vmcs.peek(F::exception_bitmap) != hypervisor_bitmap) return false;
        if (r.vmcs.peek(F::guest_rflags) != (rflags_if | rf | guest_tf)) return false;
        if (!idle_state(r.s) || r.s.events_held()) return false;
        r.vmcs.reset_counts();
        r.s.before_entry(r.vmcs, next::ordinary);
        const auto later = r.s.on_exit(r.vmcs, reason(vmx::exit_reason::cpuid));
        if (r.vmcs.reads != 0 || r.vmcs.writes != 0 || !later.hypervisor_handles) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, DisarmRestoresHypervisorBitmapExactlyAndGuestTf,
                 check_disarm_restores_hypervisor_bitmap_exactly_and_guest_tf)

// ---- Rule 3: classification from the exit qualification ----

constexpr bool check_single_step_trap_is_the_clients_step() {
    auto r = armed(rflags_if);
    r.vmcs.reset_counts();
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
    return x.was_step() && x.report.clients == core::client_set::only(debugger) && x.report.rip == 0x1002 &&
           !x.hypervisor_handles && !x.fixup.any() && r.vmcs.peek(F::vm_entry_interruption_info) == 0 &&
           r.vmcs.guest_dr6 == dr6_init && r.vmcs.writes == 0 && r.vmcs.reads == 4;
}
HVSTEP_DUAL_TEST(VmxTfStepper, SingleStepTrapIsTheClientsStep, check_single_step_trap_is_the_clients_step)

// An instruction step (BTF never set) is reported as one, not as a branch
// step (state_flag::btf_forced means a branch step is in effect, fixed in 013611e).
constexpr bool check_instruction_step_reports_cause_instruction() {
    auto r = armed(rflags_if);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
    return x.was_step() && x.report.cause == core::step_cause::instruction &&
           !x86::debugctl::btf.is_set(r.vmcs.peek(F::guest_debugctl));
}
HVSTEP_DUAL_TEST(VmxTfStepper, InstructionStepReportsCauseInstruction, check_instruction_step_reports_cause_instruction)

// B0-B3 of the guest's own data breakpoints ride on the step trap: the clients
// get the step, the guest gets exactly its Bn (trap-class, no BS: its TF was 0).
constexpr bool check_breakpoint_hits_b0_to_b3_are_the_guests() {
    for (unsigned n = 0; n < 4; ++n) {
        auto r = armed(rflags_if);
        // DRn enabled (Ln) as a write breakpoint (R/Wn = 01): a trap (SDM Vol. 3B §18.3.1.2).
        const std::uint64_t dr7 = x86::dr7::init_value | (std::uint64_t{1} << (2 * n)) |
                                  (std::uint64_t{1} << (16 + 4 * n));
        r.vmcs.poke(F::guest_dr7, dr7);
        r.vmcs.guest_dr6 = dr6_init | x86::dr6::bd.mask;  // a sticky BD from long ago stays
        const std::uint64_t bn = std::uint64_t{1} << n;
        const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, bn | q_bs, rflags_if | tf, 0x1002));
        if (!x.was_step() || x.hypervisor_handles) return false;
        if (r.vmcs.peek(F::vm_entry_interruption_info) != db_info) return false;
        if (r.vmcs.guest_dr6 != (dr6_init | x86::dr6::bd.mask | bn)) return false;
        if (x86::rflags::rf.is_set(r.vmcs.peek(F::guest_rflags))) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, BreakpointHitsB0ToB3AreTheGuests, check_breakpoint_hits_b0_to_b3_are_the_guests)

// BD: the stepped MOV DR faulted before running (DR7.GD=1): no step, the
// guest's fault re-injected, RIP and RF left for the guest's handler.
constexpr bool check_general_detect_is_a_guest_fault() {
    auto r = armed(rflags_if);
    r.vmcs.poke(F::guest_dr7, x86::dr7::init_value | x86::dr7::gd.mask);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bd, rflags_if | tf, 0x1000));
    const bool exit_ok = !x.was_step() && !x.hypervisor_handles && r.vmcs.peek(F::vm_entry_interruption_info) == db_info &&
                         r.vmcs.guest_dr6 == (dr6_init | x86::dr6::bd.mask) &&
                         r.vmcs.peek(F::guest_rip) == 0x1000 && !x86::rflags::rf.is_set(r.vmcs.peek(F::guest_rflags));
    r.s.before_entry(r.vmcs, next::ordinary);  // injecting: hvstep's TF must not be in the pushed frame
    return exit_ok && r.vmcs.peek(F::guest_rflags) == rflags_if && !tf_forced(r.s);
}
HVSTEP_DUAL_TEST(VmxTfStepper, GeneralDetectIsAGuestFault, check_general_detect_is_a_guest_fault)

// RTM (positive in the qualification, active-low in DR6): the guest's, and
// its DR6 shows it as bit 16 cleared.
constexpr bool check_rtm_condition_is_the_guests_with_active_low_dr6() {
    auto r = armed(rflags_if);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_rtm | q_bs, rflags_if | tf, 0x1000));
    return x.was_step() && r.vmcs.peek(F::vm_entry_interruption_info) == db_info &&
           r.vmcs.guest_dr6 == (dr6_init & ~x86::dr6::rtm.mask) && !x86::dr6::bs.is_set(r.vmcs.guest_dr6);
}
HVSTEP_DUAL_TEST(VmxTfStepper, RtmConditionIsTheGuestsWithActiveLowDr6, check_rtm_condition_is_the_guests_with_active_low_dr6)

// ICEBP/INT1 exits as type 5 vector 1 (SDM Vol. 3C §25.9.2): never a step; it
// is re-injected as it was (type 5 with its instruction length) and no BS
// reaches the guest's DR6 (INT1 sets no DR6 bit, SDM Vol. 3B Table 18-2).
constexpr bool check_icebp_is_never_a_step() {
    auto r = armed(rflags_if);
    r.vmcs.poke(F::vm_exit_instruction_length, 1);
    r.vmcs.reset_counts();
    const auto x = r.s.on_exit(r.vmcs, fault_exit(r.vmcs, info(1, itype::privileged_software_exception), 0,
                                                  rflags_if | tf, 0x1000));
    const bool exit_ok = x.report.cause != core::step_cause::instruction && x.report.cause != core::step_cause::branch &&
                         x.report.cause == core::step_cause::event_delivery && !x.hypervisor_handles &&
                         r.vmcs.peek(F::vm_entry_interruption_info) == info(1, itype::privileged_software_exception) &&
                         r.vmcs.peek(F::vm_entry_instruction_length) == 1 && r.vmcs.guest_dr6 == dr6_init &&
                         !x.fixup.any() && r.vmcs.reads == 4 && r.vmcs.writes == 2;
    r.s.before_entry(r.vmcs, next::ordinary);
    return exit_ok && r.vmcs.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, IcebpIsNeverAStep, check_icebp_is_never_a_step)

// ---- Rule 4: re-injection ----

constexpr bool check_guest_trap_reinjected_as_hardware_db_with_guest_bits_only() {
    auto r = armed(rflags_if | tf);
    r.vmcs.guest_dr6 = dr6_init | x86::dr6::b1.mask;  // B1 from the guest's previous #DB
    r.vmcs.reset_counts();
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
    // write_dr6 merged the payload: B0-B3 of the old #DB cleared, BS set (SDM Vol. 3B §18.2.3).
    return x.was_step() && r.vmcs.peek(F::vm_entry_interruption_info) == 0x8000'0301U &&
           r.vmcs.guest_dr6 == (dr6_init | dr6_bs) && r.vmcs.reads == 7 && r.vmcs.writes == 2;
}
HVSTEP_DUAL_TEST(VmxTfStepper, GuestTrapReinjectedAsHardwareDbWithGuestBitsOnly,
                 check_guest_trap_reinjected_as_hardware_db_with_guest_bits_only)

// A data breakpoint is a trap: it comes back as a trap — RIP after the
// instruction, RF untouched, no instruction length (Xen's #DB loop).
constexpr bool check_trap_class_db_never_comes_back_fault_class() {
    auto r = armed(rflags_if);
    r.vmcs.poke(F::guest_dr7, x86::dr7::init_value | x86::dr7::l2.mask | x86::dr7::rw2.set(0, 3));  // read/write
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, x86::dr6::b2.mask | q_bs, rflags_if | tf, 0x1007));
    const bool exit_ok = x.was_step() && r.vmcs.peek(F::vm_entry_interruption_info) == db_info &&
                         r.vmcs.peek(F::guest_rip) == 0x1007 && !x86::rflags::rf.is_set(r.vmcs.peek(F::guest_rflags)) &&
                         r.vmcs.peek(F::vm_entry_instruction_length) == 0;
    r.s.before_entry(r.vmcs, next::ordinary);
    return exit_ok && r.vmcs.peek(F::guest_rip) == 0x1007 && !x86::rflags::rf.is_set(r.vmcs.peek(F::guest_rflags)) &&
           !x86::rflags::tf.is_set(r.vmcs.peek(F::guest_rflags));
}
HVSTEP_DUAL_TEST(VmxTfStepper, TrapClassDbNeverComesBackFaultClass, check_trap_class_db_never_comes_back_fault_class)

// A client's instruction breakpoint in DR0 faults before the stepped
// instruction runs: reported to its owner, consumed, resumed with RF=1 (SDM
// Vol. 3B §18.3.1.1) so the instruction runs instead of faulting again.
constexpr bool check_consumed_instruction_breakpoint_fault_resumes_with_rf() {
    auto v = guest_at(rflags_if);
    v.poke(F::guest_dr7, x86::dr7::init_value | x86::dr7::g0.mask);  // R/W0 = 00: execute
    stepper s;
    s.arm(debugger);
    s.claim_breakpoints(0x1, debugger);
    s.before_entry(v, next::ordinary);
    v.reset_counts();
    const auto x = s.on_exit(v, db_exit(v, x86::dr6::b0.mask, rflags_if | tf, 0x1000));
    const bool exit_ok = x.report.clients == core::client_set::only(debugger) &&
                         x.report.cause == core::step_cause::host_breakpoint && !x.hypervisor_handles &&
                         v.peek(F::vm_entry_interruption_info) == 0 && v.guest_dr6 == dr6_init &&
                         v.peek(F::guest_rflags) == (rflags_if | tf | rf) && v.reads == 5 && v.writes == 1;
    s.before_entry(v, next::ordinary);
    return exit_ok && v.peek(F::guest_rflags) == (rflags_if | tf | rf) && s.guest_rflags(v) == (rflags_if | rf);
}
HVSTEP_DUAL_TEST(VmxTfStepper, ConsumedInstructionBreakpointFaultResumesWithRf,
                 check_consumed_instruction_breakpoint_fault_resumes_with_rf)

// ---- Rule 5: TF ownership ----

// POPF loads TF=1 while the guest's TF was 0: no trap is the guest's after the
// POPF itself (TF was 0 when it started), the guest owns TF=1 from then on.
constexpr bool check_popf_loading_tf_set_gives_the_guest_tf() {
    auto r = armed(rflags_if, next::loads_flags);
    const auto popf = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1001));
    const bool after_popf = popf.was_step() && r.vmcs.peek(F::vm_entry_interruption_info) == 0 && guest_tf_owned(r.s) &&
                            r.s.guest_rflags(r.vmcs) == (rflags_if | tf);
    r.s.before_entry(r.vmcs, next::ordinary);
    const auto nop = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
    const bool guest_trap = nop.was_step() && r.vmcs.peek(F::vm_entry_interruption_info) == db_info &&
                            x86::dr6::bs.is_set(r.vmcs.guest_dr6);
    r.s.disarm(debugger);
    r.s.before_entry(r.vmcs, next::ordinary);
    return after_popf && guest_trap && r.vmcs.peek(F::guest_rflags) == (rflags_if | tf);
}
HVSTEP_DUAL_TEST(VmxTfStepper, PopfLoadingTfSetGivesTheGuestTf, check_popf_loading_tf_set_gives_the_guest_tf)

// POPF/IRET load TF=0 while the guest owned TF=1: the trap after the
// instruction is still the guest's (TF was 1 at its start), and afterwards the
// guest owns TF=0.
constexpr bool check_flags_load_clearing_guest_tf_still_traps_after_itself() {
    for (const std::uint64_t rip_after : {std::uint64_t{0x1001} /* POPF */, std::uint64_t{0x2000} /* IRET */}) {
        auto r = armed(rflags_if | tf, next::loads_flags);
        const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if, rip_after));
        if (!x.was_step() || r.vmcs.peek(F::vm_entry_interruption_info) != db_info) return false;
        if (r.vmcs.guest_dr6 != (dr6_init | dr6_bs) || guest_tf_owned(r.s)) return false;
        r.s.before_entry(r.vmcs, next::ordinary);  // injecting the #DB: the frame gets the guest's TF=0
        if (r.vmcs.peek(F::guest_rflags) != rflags_if) return false;
        r.s.disarm(debugger);
        r.s.before_entry(r.vmcs, next::ordinary);
        if (r.vmcs.peek(F::guest_rflags) != rflags_if) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, FlagsLoadClearingGuestTfStillTrapsAfterItself,
                 check_flags_load_clearing_guest_tf_still_traps_after_itself)

// The hypervisor emulates POPF: the TF in the value written is the guest's,
// hvstep's TF stays in the register while armed.
constexpr bool check_emulated_flags_write_gives_the_guest_the_value() {
    auto r = armed(rflags_if);
    r.s.on_exit(r.vmcs, reason(vmx::exit_reason::cpuid));
    r.s.set_guest_rflags(r.vmcs, rflags_if | tf);
    const bool set = guest_tf_owned(r.s) && r.vmcs.peek(F::guest_rflags) == (rflags_if | tf);
    r.s.set_guest_rflags(r.vmcs, rflags_if);
    const bool cleared = !guest_tf_owned(r.s) && r.vmcs.peek(F::guest_rflags) == (rflags_if | tf) &&
                         r.s.guest_rflags(r.vmcs) == rflags_if;
    return set && cleared;
}
HVSTEP_DUAL_TEST(VmxTfStepper, EmulatedFlagsWriteGivesTheGuestTheValue, check_emulated_flags_write_gives_the_guest_the_value)

// ---- Rule 6: hvstep's BS never in the guest's DR6 ----

constexpr bool check_hypervisor_bs_never_in_guest_dr6() {
    auto r = armed(rflags_if);
    r.vmcs.guest_dr6 = dr6_init | x86::dr6::b3.mask;
    for (std::uint64_t rip = 0x1001; rip < 0x1008; ++rip) {
        r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, rip));
        r.s.before_entry(r.vmcs, next::ordinary);
        if (r.vmcs.guest_dr6 != (dr6_init | x86::dr6::b3.mask)) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, HypervisorBsNeverInGuestDr6, check_hypervisor_bs_never_in_guest_dr6)

// ---- Rule 7: no leak of hvstep's TF ----

constexpr bool check_pushf_fixup_only_when_guest_did_not_own_tf() {
    auto r = armed(rflags_if, next::pushes_flags);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1001));
    const bool fixed = x.fixup.clear_tf_at_stack_top && !x.fixup.set_r11_tf &&
                       x.fixup.fixed_stack_image(rflags_if | tf) == rflags_if &&
                       x.fixup.fixed_stack_image(0x0302) == 0x0202;  // a 16-bit PUSHF image too

    auto g = armed(rflags_if | tf, next::pushes_flags);
    const auto y = g.s.on_exit(g.vmcs, db_exit(g.vmcs, q_bs, rflags_if | tf, 0x1001));
    const bool kept = !y.fixup.any() && y.fixup.fixed_stack_image(rflags_if | tf) == (rflags_if | tf) &&
                      g.vmcs.peek(F::vm_entry_interruption_info) == db_info;
    return fixed && kept;
}
HVSTEP_DUAL_TEST(VmxTfStepper, PushfFixupOnlyWhenGuestDidNotOwnTf, check_pushf_fixup_only_when_guest_did_not_own_tf)

// BUG: the classic anti-debug probe `pop ss; pushfd; test byte [esp+1], 1`:
// the trap after POP SS is held past PUSHFD (SDM Vol. 3A §6.8.3), so one step
// covers both and PUSHFD pushes hvstep's TF. The hint describes only the
// instruction at RIP (POP SS: ordinary), so no PUSHF repair is asked for and
// the guest sees TF=1 on its stack.
constexpr bool check_pushf_shadowed_by_pop_ss_is_repaired() {
    const std::uint8_t code[] = {0x17, 0x9C};  // pop ss; pushfd (32-bit code)
    const next hint = core::classify_next(code, sizeof code, x86::code_size::bits32);
    auto r = armed(rflags_if, hint);
    // POP SS ran (trap held), PUSHFD ran with TF=1, then the trap: RIP after PUSHFD.
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
    return x.was_step() && x.fixup.clear_tf_at_stack_top;
}
HVSTEP_DUAL_TEST(VmxTfStepper, PushfShadowedByPopSsIsRepaired, check_pushf_shadowed_by_pop_ss_is_repaired)

// An exception hvstep intercepted is re-injected as it was, the step ends in
// its delivery, and the re-injecting entry carries the guest's TF, not hvstep's.
constexpr bool check_intercepted_gp_reinjected_with_error_code_and_no_tf() {
    auto r = armed(rflags_if);
    r.vmcs.reset_counts();
    const auto x = r.s.on_exit(r.vmcs, fault_exit(r.vmcs, info(13, itype::hardware_exception, true), 0x18,
                                                  rflags_if | tf, 0x1000));
    const bool exit_ok = x.report.cause == core::step_cause::event_delivery && x.report.rip == 0x1000 &&
                         x.report.clients == core::client_set::only(debugger) && !x.hypervisor_handles &&
                         r.vmcs.peek(F::vm_entry_interruption_info) == info(13, itype::hardware_exception, true) &&
                         r.vmcs.peek(F::vm_entry_exception_error_code) == 0x18 && r.vmcs.reads == 5 &&
                         r.vmcs.writes == 2;
    r.vmcs.reset_counts();
    r.s.before_entry(r.vmcs, next::ordinary);
    const bool entry_ok = r.vmcs.peek(F::guest_rflags) == rflags_if && !tf_forced(r.s) && r.vmcs.reads == 6 &&
                          r.vmcs.writes == 1 && r.s.events_held();
    // The next exit is in the handler (RFLAGS.TF cleared by the delivery); stepping resumes there.
    vm_exit(r.vmcs, rflags_if, 0xFFFF'8000'0000'0D00);
    r.s.on_exit(r.vmcs, reason(vmx::exit_reason::ept_violation));
    r.s.before_entry(r.vmcs, next::ordinary);
    return exit_ok && entry_ok && tf_forced(r.s) && !guest_tf_owned(r.s) &&
           r.vmcs.peek(F::guest_rflags) == (rflags_if | tf);
}
HVSTEP_DUAL_TEST(VmxTfStepper, InterceptedGpReinjectedWithErrorCodeAndNoTf,
                 check_intercepted_gp_reinjected_with_error_code_and_no_tf)

// #PF: the exit leaves CR2 unwritten and the address in the exit
// qualification (SDM Vol. 3C §28.1); hvstep writes CR2 before re-injecting.
constexpr bool check_intercepted_pf_reinjected_with_cr2() {
    auto r = armed(rflags_if);
    r.vmcs.poke(F::exit_qualification, 0x7FFF'DEAD'B000);
    r.vmcs.reset_counts();
    const auto x = r.s.on_exit(r.vmcs, fault_exit(r.vmcs, info(14, itype::hardware_exception, true), 0x6,
                                                  rflags_if | tf, 0x1000));
    const bool exit_ok = x.report.cause == core::step_cause::event_delivery && r.vmcs.guest_cr2 == 0x7FFF'DEAD'B000 &&
                         r.vmcs.peek(F::vm_entry_interruption_info) == info(14, itype::hardware_exception, true) &&
                         r.vmcs.peek(F::vm_entry_exception_error_code) == 0x6 && r.vmcs.reads == 6 &&
                         r.vmcs.writes == 3;
    r.s.before_entry(r.vmcs, next::ordinary);
    return exit_ok && r.vmcs.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, InterceptedPfReinjectedWithCr2, check_intercepted_pf_reinjected_with_cr2)

// INT3 exits as a software exception (type 6) and needs its instruction
// length to be re-injected (SDM Vol. 3C §27.6.1.1).
constexpr bool check_intercepted_bp_reinjected_with_instruction_length() {
    auto r = armed(rflags_if);
    r.vmcs.poke(F::vm_exit_instruction_length, 1);
    r.vmcs.reset_counts();
    const auto x = r.s.on_exit(r.vmcs, fault_exit(r.vmcs, info(3, itype::software_exception), 0, rflags_if | tf, 0x1000));
    const bool exit_ok = x.report.cause == core::step_cause::event_delivery &&
                         r.vmcs.peek(F::vm_entry_interruption_info) == info(3, itype::software_exception) &&
                         r.vmcs.peek(F::vm_entry_instruction_length) == 1 && r.vmcs.reads == 5 && r.vmcs.writes == 2;
    r.s.before_entry(r.vmcs, next::ordinary);
    return exit_ok && r.vmcs.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, InterceptedBpReinjectedWithInstructionLength,
                 check_intercepted_bp_reinjected_with_instruction_length)

// A vector the hypervisor intercepted itself before arming stays its own;
// so does an exception met while another event was being delivered.
constexpr bool check_hypervisors_own_and_vectoring_exceptions_are_left_to_it() {
    auto r = armed(rflags_if);
    r.vmcs.reset_counts();
    const auto ud = r.s.on_exit(r.vmcs, fault_exit(r.vmcs, info(6, itype::hardware_exception), 0, rflags_if | tf, 0x1000));
    const bool ud_ok = ud.hypervisor_handles && !ud.was_step() && r.vmcs.writes == 0 && r.vmcs.reads == 4;

    r.s.before_entry(r.vmcs, next::ordinary);
    const auto reason_gp = fault_exit(r.vmcs, info(13, itype::hardware_exception, true), 0, rflags_if | tf, 0x1000);
    r.vmcs.poke(F::idt_vectoring_info, info(0x30, itype::external_interrupt));
    r.vmcs.reset_counts();
    const auto gp = r.s.on_exit(r.vmcs, reason_gp);
    return ud_ok && gp.hypervisor_handles && !gp.was_step() && r.vmcs.writes == 0 &&
           r.vmcs.peek(F::vm_entry_interruption_info) == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, HypervisorsOwnAndVectoringExceptionsAreLeftToIt,
                 check_hypervisors_own_and_vectoring_exceptions_are_left_to_it)

// INT n pushes RFLAGS and VMX cannot intercept it: the entry before it
// carries the guest's TF only (whatever that is).
constexpr bool check_software_interrupt_entered_without_hvstep_tf() {
    for (const std::uint64_t guest_tf : {std::uint64_t{0}, tf}) {
        auto r = armed(rflags_if | guest_tf);
        r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
        r.s.before_entry(r.vmcs, next::software_interrupt);
        if (r.vmcs.peek(F::guest_rflags) != (rflags_if | guest_tf) || tf_forced(r.s)) return false;
        if (!core::has(r.s.state(), core::state_flag::trap_controls) || !r.s.events_held()) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, SoftwareInterruptEnteredWithoutHvstepTf, check_software_interrupt_entered_without_hvstep_tf)

// ---- Rule 8: shadows ----

// STI shadow, guest TF=0: hvstep clears blocking by STI (interrupts and NMIs
// are held, so it blocks nothing) and keeps every other interruptibility bit.
constexpr bool check_sti_shadow_cleared_when_forcing_tf() {
    auto v = guest_at(rflags_if);
    v.poke(F::guest_interruptibility_state, sti | nmi_blocking);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    return v.peek(F::guest_interruptibility_state) == nmi_blocking && v.peek(F::guest_rflags) == (rflags_if | tf) &&
           v.peek(F::guest_pending_debug_exceptions) == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, StiShadowClearedWhenForcingTf, check_sti_shadow_cleared_when_forcing_tf)

// MOV-SS shadow: kept, and pending BS set so the trap comes after the next
// instruction, as natively; one step covers the pair.
constexpr bool check_mov_ss_shadow_sets_pending_bs() {
    auto v = guest_at(rflags_if);
    v.poke(F::guest_interruptibility_state, mov_ss);
    v.poke(F::guest_pending_debug_exceptions, vmx::pending_debug_exceptions::b0.mask);  // kept as is
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    const bool entry_ok = v.peek(F::guest_interruptibility_state) == mov_ss &&
                          v.peek(F::guest_pending_debug_exceptions) == (pending_bs | vmx::pending_debug_exceptions::b0.mask) &&
                          v.peek(F::guest_rflags) == (rflags_if | tf);
    v.poke(F::guest_interruptibility_state, 0);
    v.poke(F::guest_pending_debug_exceptions, 0);
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1003));
    return entry_ok && x.was_step() && v.peek(F::vm_entry_interruption_info) == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, MovSsShadowSetsPendingBs, check_mov_ss_shadow_sets_pending_bs)

// BUG: hvstep set pending BS=1 for the MOV-SS pair; the shadowed instruction
// (CPUID) exits and is emulated, so after_emulation() reports the pair's step.
// The hypervisor clears the shadow, but hvstep's BS stays pending in the VMCS:
// the next entry delivers it at once, before the next instruction runs, which
// becomes a second report for the same instruction — with the next
// instruction's fix-ups (here a PUSHF image repair) applied although it never ran
// (a non-vectoring entry delivers pending BS outside MOV-SS blocking, SDM Vol. 3C
// "Delivery of Pending Debug Exceptions after VM Entry").
constexpr bool check_emulated_instruction_in_mov_ss_shadow_leaves_no_pending_bs() {
    auto v = guest_at(rflags_if);
    v.poke(F::guest_interruptibility_state, mov_ss);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);  // pending BS = 1: the pair is one step
    vm_exit(v, rflags_if | tf, 0x1000);  // CPUID in the shadow; the processor keeps blocking and BS
    s.on_exit(v, reason(vmx::exit_reason::cpuid));
    v.poke(F::guest_rip, 0x1002);
    v.poke(F::guest_interruptibility_state, 0);  // the hypervisor completed the instruction
    const auto e = s.after_emulation(v);
    s.before_entry(v, next::pushes_flags);
    return e.report.cause == core::step_cause::emulated_instruction &&
           !vmx::pending_debug_exceptions::bs.is_set(v.peek(F::guest_pending_debug_exceptions));
}
HVSTEP_DUAL_TEST(VmxTfStepper, EmulatedInstructionInMovSsShadowLeavesNoPendingBs, check_emulated_instruction_in_mov_ss_shadow_leaves_no_pending_bs)

// BUG: after a trap-like exit (SDM Vol. 3C "APIC-Write VM Exits") the trap of
// the completed instruction waits in pending BS ("Saving Non-Register State")
// and the next, non-vectoring entry delivers it at once, before the
// instruction at RIP runs ("Delivery of Pending Debug Exceptions after VM Entry"). hvstep routes that #DB with the
// hint given for the instruction at RIP: a PUSHF that never ran gets its
// "image" repaired (the hypervisor clears bit 8 of whatever is at RSP) and a
// POPF that never ran hands the guest hvstep's TF.
constexpr bool check_pending_trap_of_trap_like_exit_is_not_the_next_instructions() {
    for (const next hint : {next::pushes_flags, next::loads_flags}) {
        auto r = armed(rflags_if);
        vm_exit(r.vmcs, rflags_if | tf, 0x1007);  // MOV [APIC+0x300], EAX completed at 0x1000
        r.vmcs.poke(F::guest_pending_debug_exceptions, pending_bs);
        r.s.on_exit(r.vmcs, reason(vmx::exit_reason::apic_write));
        r.s.before_entry(r.vmcs, hint);
        const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1007));  // nothing ran
        if (!x.was_step() || x.fixup.clear_tf_at_stack_top || guest_tf_owned(r.s)) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, PendingTrapOfTrapLikeExitIsNotTheNextInstructions, check_pending_trap_of_trap_like_exit_is_not_the_next_instructions)

// ---- Rule 9: VM-entry consistency over every combination ----

enum class arming_case : unsigned { idle, instruction, branch, already_forced, just_disarmed };

constexpr bool consistent_after_entry(std::uint64_t shadow_bits, bool halted, bool guest_tf, bool guest_btf,
                                      arming_case a, bool injecting) {
    const std::uint64_t flags = rflags_if | (guest_tf ? tf : 0);
    const std::uint64_t debugctl = lbr | (guest_btf ? btf : 0);
    auto v = guest_at(flags);
    v.poke(F::guest_debugctl, debugctl);
    stepper s;
    if (a != arming_case::idle) {
        s.arm(debugger, a == arming_case::branch ? core::granularity::branch : core::granularity::instruction);
    }
    if (a == arming_case::already_forced || a == arming_case::just_disarmed) {
        s.before_entry(v, next::ordinary);  // no shadow yet: TF forced
        // An exit (EPT violation) that leaves the guest in the shadow, with the
        // pending BS the processor saves for the forced TF.
        vm_exit(v, v.peek(F::guest_rflags), 0x1001);
        s.on_exit(v, reason(vmx::exit_reason::ept_violation));
        if (a == arming_case::just_disarmed) s.disarm(debugger);
    }
    const core::shadow_state before{(shadow_bits & sti) != 0, (shadow_bits & mov_ss) != 0, halted};
    v.poke(F::guest_interruptibility_state, shadow_bits);
    v.poke(F::guest_activity_state, halted ? hlt : 0);
    const bool tf_then = x86::rflags::tf.is_set(v.peek(F::guest_rflags));
    const bool btf_then = x86::debugctl::btf.is_set(v.peek(F::guest_debugctl));
    // The processor saved a consistent state (written out from SDM §27.3.1.5, not from core).
    v.poke(F::guest_pending_debug_exceptions, before.any() && tf_then && !btf_then ? pending_bs : 0);
    v.poke(F::vm_entry_interruption_info, injecting ? db_info : 0);

    s.before_entry(v, next::ordinary);

    const std::uint64_t interruptibility = v.peek(F::guest_interruptibility_state);
    const core::shadow_state after{vmx::interruptibility::blocking_by_sti.is_set(interruptibility),
                                   vmx::interruptibility::blocking_by_mov_ss.is_set(interruptibility),
                                   v.peek(F::guest_activity_state) == hlt};
    const bool tf_now = x86::rflags::tf.is_set(v.peek(F::guest_rflags));
    const bool btf_now = x86::debugctl::btf.is_set(v.peek(F::guest_debugctl));
    const bool bs_now = vmx::pending_debug_exceptions::bs.is_set(v.peek(F::guest_pending_debug_exceptions));
    if (!core::passes_pending_bs_check(after, tf_now, btf_now, bs_now)) return false;
    // The same check spelled out independently of core/entry_consistency.hpp.
    if (after.any() && bs_now != (tf_now && !btf_now)) return false;
    // Never hvstep's TF into an injected frame or a halted guest; only blocking by STI may go.
    if ((injecting || halted || a == arming_case::idle || a == arming_case::just_disarmed) && tf_now != guest_tf) return false;
    if (after.blocking_by_mov_ss != before.blocking_by_mov_ss || after.halted != before.halted) return false;
    if (before.blocking_by_sti && !after.blocking_by_sti && (guest_tf || !tf_now)) return false;
    return !x86::rflags::rf.is_set(v.peek(F::guest_rflags)) && (v.peek(F::guest_debugctl) & lbr) != 0;
}

constexpr bool check_vmentry_pending_bs_check_holds_for_every_combination() {
    const std::uint64_t shadows[] = {0, sti, mov_ss, 0, sti};
    const arming_case cases[] = {arming_case::idle, arming_case::instruction, arming_case::branch,
                                 arming_case::already_forced, arming_case::just_disarmed};
    for (unsigned sh = 0; sh < 5; ++sh) {
        for (const bool guest_tf : {false, true}) {
            for (const bool guest_btf : {false, true}) {
                for (const arming_case a : cases) {
                    for (const bool injecting : {false, true}) {
                        if (!consistent_after_entry(shadows[sh], sh >= 3, guest_tf, guest_btf, a, injecting)) return false;
                    }
                }
            }
        }
    }
    return true;
}
HVSTEP_DUAL_TEST(VmxTfStepper, VmEntryPendingBsCheckHoldsForEveryCombination,
                 check_vmentry_pending_bs_check_holds_for_every_combination)

// ---- Rule 10: events held ----

constexpr bool check_events_held_whenever_armed() {
    stepper s;
    const bool idle = !s.events_held();
    s.arm(debugger);
    const bool instruction = s.events_held();
    s.arm(nmi_window, core::granularity::branch, core::persistence::one_step);
    const bool two = s.events_held();
    s.disarm_all();
    return idle && instruction && two && !s.events_held();
}
HVSTEP_DUAL_TEST(VmxTfStepper, EventsHeldWheneverArmed, check_events_held_whenever_armed)

// ---- Rule 12: after_emulation ----

constexpr bool check_after_emulation_reports_and_owes_guest_db_only_if_guest_owns_tf() {
    bool ok = true;
    for (const std::uint64_t guest_tf : {std::uint64_t{0}, tf}) {
        auto r = armed(rflags_if | guest_tf);
        vm_exit(r.vmcs, rflags_if | tf, 0x1000);  // CPUID exit: RFLAGS holds hvstep's TF either way
        r.vmcs.reset_counts();
        const auto x = r.s.on_exit(r.vmcs, reason(vmx::exit_reason::cpuid));
        ok = ok && x.hypervisor_handles && r.vmcs.reads == 0 && r.vmcs.writes == 0;
        r.vmcs.poke(F::guest_rip, 0x1002);
        r.vmcs.reset_counts();
        const auto e = r.s.after_emulation(r.vmcs);
        ok = ok && e.report.cause == core::step_cause::emulated_instruction && e.report.rip == 0x1002 &&
             e.report.clients == core::client_set::only(debugger);
        if (guest_tf != 0) {
            ok = ok && e.guest_db_injected && r.vmcs.peek(F::vm_entry_interruption_info) == db_info &&
                 r.vmcs.guest_dr6 == (dr6_init | dr6_bs) && r.vmcs.reads == 6 && r.vmcs.writes == 2;
        } else {
            ok = ok && !e.guest_db_injected && r.vmcs.peek(F::vm_entry_interruption_info) == 0 &&
                 r.vmcs.guest_dr6 == dr6_init && r.vmcs.reads == 3 && r.vmcs.writes == 0;
        }
        r.s.before_entry(r.vmcs, next::ordinary);
        // Injecting the #DB: the frame gets the guest's TF; otherwise the next step is armed.
        ok = ok && r.vmcs.peek(F::guest_rflags) == (rflags_if | (guest_tf != 0 ? guest_tf : tf));
    }
    return ok;
}
HVSTEP_DUAL_TEST(VmxTfStepper, AfterEmulationReportsAndOwesGuestDbOnlyIfGuestOwnsTf,
                 check_after_emulation_reports_and_owes_guest_db_only_if_guest_owns_tf)

// ---- Rule 13: HLT ----

constexpr bool check_tf_not_forced_while_halted() {
    auto v = guest_at(rflags_if, 0x1001);
    v.poke(F::guest_activity_state, hlt);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    return v.peek(F::guest_rflags) == rflags_if && !tf_forced(s) && v.peek(F::guest_pending_debug_exceptions) == 0 &&
           v.peek(F::guest_activity_state) == hlt && core::has(s.state(), core::state_flag::trap_controls);
}
HVSTEP_DUAL_TEST(VmxTfStepper, TfNotForcedWhileHalted, check_tf_not_forced_while_halted)

// ---- Rule 14: SYSCALL, SYSRET, SYSENTER ----

// SYSCALL copies RFLAGS (hvstep's TF included) into R11 and then masks TF
// through SFMASK; the trap still follows SYSCALL (TF was 1 at its start).
constexpr bool check_syscall_with_sfmask_tf_fixes_r11_to_the_guests_tf() {
    auto r = armed(rflags_if, next::syscall);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, x86::rflags::reserved_one.mask, 0xFFFF'8000'0000'0000));
    const bool fixed = x.was_step() && x.fixup.set_r11_tf && !x.fixup.r11_tf && !x.fixup.clear_tf_at_stack_top &&
                       x.fixup.fixed_r11(rflags_if | tf) == rflags_if && !guest_tf_owned(r.s) &&
                       r.vmcs.peek(F::vm_entry_interruption_info) == 0;

    auto g = armed(rflags_if | tf, next::syscall);
    const auto y = g.s.on_exit(g.vmcs, db_exit(g.vmcs, q_bs, x86::rflags::reserved_one.mask, 0xFFFF'8000'0000'0000));
    const bool guest = y.fixup.set_r11_tf && y.fixup.r11_tf && y.fixup.fixed_r11(rflags_if | tf) == (rflags_if | tf) &&
                       !guest_tf_owned(g.s) && g.vmcs.peek(F::vm_entry_interruption_info) == db_info;
    return fixed && guest;
}
HVSTEP_DUAL_TEST(VmxTfStepper, SyscallWithSfmaskTfFixesR11ToTheGuestsTf,
                 check_syscall_with_sfmask_tf_fixes_r11_to_the_guests_tf)

// SYSRET loading TF=1 traps right after SYSRET itself (unlike POPF/IRET; SDM
// Vol. 2B SYSRET, and the reason Linux returns with IRET when TF is set): the
// trap is the guest's too, and the guest owns TF=1 from then on.
constexpr bool check_sysret_loading_tf_traps_right_after_sysret() {
    auto r = armed(x86::rflags::reserved_one.mask, next::sysret);  // kernel, TF=0
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x0000'7FFF'0000'1000));  // R11.TF=1
    return x.was_step() && guest_tf_owned(r.s) && r.s.guest_rflags(r.vmcs) == (rflags_if | tf) &&
           r.vmcs.peek(F::vm_entry_interruption_info) == db_info && r.vmcs.guest_dr6 == (dr6_init | dr6_bs);
}
HVSTEP_DUAL_TEST(VmxTfStepper, SysretLoadingTfTrapsRightAfterSysret, check_sysret_loading_tf_traps_right_after_sysret)

// SYSRET loading TF=0: no trap for the guest (its TF was 0) and it owns TF=0;
// POPF loading TF=1 still traps only after the next instruction (tested above).
constexpr bool check_sysret_loading_tf_clear_owes_nothing() {
    auto r = armed(x86::rflags::reserved_one.mask, next::sysret);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if, 0x0000'7FFF'0000'1000));
    r.s.disarm(debugger);
    r.s.before_entry(r.vmcs, next::ordinary);
    return x.was_step() && !guest_tf_owned(r.s) && r.vmcs.peek(F::vm_entry_interruption_info) == 0 &&
           r.vmcs.guest_dr6 == dr6_init && r.vmcs.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, SysretLoadingTfClearOwesNothing, check_sysret_loading_tf_clear_owes_nothing)

// SYSENTER leaves TF alone: the guest keeps what it had.
constexpr bool check_sysenter_keeps_the_guests_tf() {
    auto r = armed(rflags_if | tf, next::ordinary);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, x86::rflags::reserved_one.mask | tf, 0xFFFF'8000'0000'0100));
    const bool owned = x.was_step() && guest_tf_owned(r.s) && !x.fixup.any() &&
                       r.vmcs.peek(F::vm_entry_interruption_info) == db_info;
    auto g = armed(rflags_if, next::ordinary);
    g.s.on_exit(g.vmcs, db_exit(g.vmcs, q_bs, x86::rflags::reserved_one.mask | tf, 0xFFFF'8000'0000'0100));
    return owned && !guest_tf_owned(g.s) && g.vmcs.peek(F::vm_entry_interruption_info) == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, SysenterKeepsTheGuestsTf, check_sysenter_keeps_the_guests_tf)

// ---- Rule 15: branch steps ----

constexpr bool check_branch_step_forces_btf_and_restores_guest_debugctl() {
    auto v = guest_at(rflags_if);
    v.poke(F::guest_debugctl, lbr);  // the guest records branches, BTF off
    stepper s;
    s.arm(debugger, core::granularity::branch);
    s.before_entry(v, next::ordinary);
    const bool forced = v.peek(F::guest_debugctl) == (lbr | btf) && v.peek(F::guest_rflags) == (rflags_if | tf);
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x4000));  // after a taken JMP
    s.disarm(debugger);
    s.before_entry(v, next::ordinary);
    return forced && x.report.cause == core::step_cause::branch && v.peek(F::guest_debugctl) == lbr &&
           v.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, BranchStepForcesBtfAndRestoresGuestDebugctl,
                 check_branch_step_forces_btf_and_restores_guest_debugctl)

// The guest's own BTF (with its TF off) would turn an instruction step into a
// branch step: hvstep clears it while stepping and gives it back on disarm.
constexpr bool check_guest_btf_restored_on_disarm() {
    auto v = guest_at(rflags_if);
    v.poke(F::guest_debugctl, lbr | btf);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    const bool cleared = v.peek(F::guest_debugctl) == lbr;
    s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1002));
    s.disarm(debugger);
    s.before_entry(v, next::ordinary);
    return cleared && v.peek(F::guest_debugctl) == (lbr | btf) && v.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, GuestBtfRestoredOnDisarm, check_guest_btf_restored_on_disarm)

// A guest single-stepping itself (TF=1, BTF=0) must keep getting a #DB after
// every instruction: a branch client then gets instruction steps (BTF stays 0),
// and each trap is both the client's and the guest's.
constexpr bool check_branch_client_keeps_guest_instruction_step() {
    auto v = guest_at(rflags_if | tf);
    stepper s;
    s.arm(debugger, core::granularity::branch);
    s.before_entry(v, next::ordinary);
    const bool entry_ok =
        !x86::debugctl::btf.is_set(v.peek(F::guest_debugctl)) && x86::rflags::tf.is_set(v.peek(F::guest_rflags));
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1002));  // after a non-branch instruction
    return entry_ok && x.report.clients == core::client_set::only(debugger) &&
           x.report.cause == core::step_cause::instruction && v.peek(F::vm_entry_interruption_info) == db_info;
}
HVSTEP_DUAL_TEST(VmxTfStepper, BranchClientKeepsGuestInstructionStep, check_branch_client_keeps_guest_instruction_step)

// A guest branch-stepping itself (TF=1, BTF=1) keeps BTF: its semantics win and
// an instruction client gets branch steps, reported as such.
constexpr bool check_guest_branch_stepping_keeps_btf() {
    auto v = guest_at(rflags_if | tf);
    v.poke(F::guest_debugctl, btf);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    const bool entry_ok = v.peek(F::guest_debugctl) == btf;
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x4000));
    s.disarm(debugger);
    s.before_entry(v, next::ordinary);
    // The guest's own branch trap was re-injected, and delivering a #DB clears
    // BTF (SDM Vol. 3B §18.4.3): the guest's handler finds it off, as natively.
    return entry_ok && x.report.cause == core::step_cause::branch && v.peek(F::guest_debugctl) == 0 &&
           v.peek(F::guest_rflags) == (rflags_if | tf);
}
HVSTEP_DUAL_TEST(VmxTfStepper, GuestBranchSteppingKeepsBtf, check_guest_branch_stepping_keeps_btf)

// ---- Rule 16: two clients, one trap ----

constexpr bool check_two_clients_share_one_trap_and_guest_db_survives() {
    auto v = guest_at(rflags_if | tf);
    stepper s;
    s.arm(debugger);
    s.arm(nmi_window, core::granularity::instruction, core::persistence::one_step);
    s.before_entry(v, next::ordinary);
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1002));
    return x.report.clients == (core::client_set::only(debugger) | core::client_set::only(nmi_window)) &&
           s.state().armed_clients() == core::client_set::only(debugger) &&
           v.peek(F::vm_entry_interruption_info) == db_info && v.guest_dr6 == (dr6_init | dr6_bs);
}
HVSTEP_DUAL_TEST(VmxTfStepper, TwoClientsShareOneTrapAndGuestDbSurvives,
                 check_two_clients_share_one_trap_and_guest_db_survives)

// The one-step client alone: retired by the report, everything given back at the next entry.
constexpr bool check_one_step_client_retires_and_everything_is_given_back() {
    auto v = guest_at(rflags_if);
    stepper s;
    s.arm(nmi_window, core::granularity::instruction, core::persistence::one_step);
    s.before_entry(v, next::ordinary);
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1002));
    s.before_entry(v, next::ordinary);
    return x.report.clients == core::client_set::only(nmi_window) && idle_state(s) &&
           v.peek(F::exception_bitmap) == hypervisor_bitmap && v.peek(F::guest_rflags) == rflags_if;
}
HVSTEP_DUAL_TEST(VmxTfStepper, OneStepClientRetiresAndEverythingIsGivenBack,
                 check_one_step_client_retires_and_everything_is_given_back)

// ---- Rule 17: unexpected exits ----

constexpr bool check_db_exit_while_idle_is_the_hypervisors_without_access() {
    auto v = guest_at(rflags_if | tf);
    v.poke(F::exception_bitmap, hypervisor_bitmap | bit(x86::vector::db));  // its own #DB intercept
    stepper s;
    const auto reason_db = db_exit(v, q_bs, rflags_if | tf, 0x1002);
    v.reset_counts();
    const auto x = s.on_exit(v, reason_db);
    s.before_entry(v, next::ordinary);
    return x.hypervisor_handles && !x.was_step() && v.reads == 0 && v.writes == 0 && idle_state(s);
}
HVSTEP_DUAL_TEST(VmxTfStepper, DbExitWhileIdleIsTheHypervisorsWithoutAccess,
                 check_db_exit_while_idle_is_the_hypervisors_without_access)

// Disarmed while the guest ran: the trap of hvstep's own TF is stale and consumed.
constexpr bool check_stale_trap_after_disarm_is_consumed() {
    auto r = armed(rflags_if);
    r.s.disarm(debugger);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs, rflags_if | tf, 0x1002));
    const bool consumed = !x.was_step() && !x.hypervisor_handles && r.vmcs.peek(F::vm_entry_interruption_info) == 0 &&
                          r.vmcs.guest_dr6 == dr6_init;
    r.s.before_entry(r.vmcs, next::ordinary);
    return consumed && idle_state(r.s) && r.vmcs.peek(F::guest_rflags) == rflags_if &&
           r.vmcs.peek(F::exception_bitmap) == hypervisor_bitmap;
}
HVSTEP_DUAL_TEST(VmxTfStepper, StaleTrapAfterDisarmIsConsumed, check_stale_trap_after_disarm_is_consumed)

// Qualification bits outside B0-B3/BD/BS/RTM are reserved (bit 15 included:
// VMX reports no BT, task switches exit on their own): they are dropped.
constexpr bool check_reserved_qualification_bits_are_dropped() {
    auto r = armed(rflags_if);
    const std::uint64_t junk = (std::uint64_t{1} << 4) | (std::uint64_t{1} << 12) | (std::uint64_t{1} << 15) |
                               (std::uint64_t{1} << 20) | (std::uint64_t{1} << 40) | (std::uint64_t{1} << 63);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, q_bs | junk, rflags_if | tf, 0x1002));
    return x.was_step() && !x.hypervisor_handles && r.vmcs.peek(F::vm_entry_interruption_info) == 0 &&
           r.vmcs.guest_dr6 == dr6_init && r.vmcs.peek(F::guest_rflags) == (rflags_if | tf);
}
HVSTEP_DUAL_TEST(VmxTfStepper, ReservedQualificationBitsAreDropped, check_reserved_qualification_bits_are_dropped)

// Only reserved bits: no condition at all. Defined: nothing reported, nothing
// injected, and the hypervisor (which did not intercept #DB) is not asked.
constexpr bool check_db_exit_without_any_condition_is_defined() {
    auto r = armed(rflags_if);
    const auto x = r.s.on_exit(r.vmcs, db_exit(r.vmcs, std::uint64_t{1} << 15, rflags_if | tf, 0x1002));
    return !x.was_step() && !x.hypervisor_handles && r.vmcs.peek(F::vm_entry_interruption_info) == 0 &&
           r.vmcs.guest_dr6 == dr6_init && tf_forced(r.s);
}
HVSTEP_DUAL_TEST(VmxTfStepper, DbExitWithoutAnyConditionIsDefined, check_db_exit_without_any_condition_is_defined)

constexpr bool check_unknown_and_unrelated_exits_are_the_hypervisors() {
    const std::uint32_t odd[] = {0xFFFFU, 0x8000'0021U, reason(vmx::exit_reason::monitor_trap_flag), 0xFFFF'FFFFU};
    for (const std::uint32_t raw : odd) {
        auto r = armed(rflags_if);
        const auto before = r.s.state();
        r.vmcs.reset_counts();
        const auto x = r.s.on_exit(r.vmcs, raw);
        if (!x.hypervisor_handles || x.was_step() || x.fixup.any() || r.vmcs.reads != 0 || r.vmcs.writes != 0) return false;
        if (r.s.state().flags != before.flags || r.s.state().armed != before.armed) return false;
    }
    // An NMI exit (reason 0, type 2): one read to tell it from an exception.
    auto r = armed(rflags_if);
    const auto nmi_reason = fault_exit(r.vmcs, info(2, itype::nmi), 0, rflags_if | tf, 0x1000);
    r.vmcs.reset_counts();
    const auto nmi = r.s.on_exit(r.vmcs, nmi_reason);
    return nmi.hypervisor_handles && !nmi.was_step() && r.vmcs.reads == 1 && r.vmcs.writes == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, UnknownAndUnrelatedExitsAreTheHypervisors,
                 check_unknown_and_unrelated_exits_are_the_hypervisors)

// A BS when hvstep did not force TF (the entry injected) is the guest's alone.
constexpr bool check_bs_without_forced_tf_is_the_guests() {
    auto v = guest_at(rflags_if | tf);
    stepper s;
    s.arm(debugger);
    v.poke(F::vm_entry_interruption_info, db_info);  // the hypervisor re-injects something
    s.before_entry(v, next::ordinary);
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1002));
    // Still an instruction boundary for the armed client (found by the
    // simulator: a guest stepping itself otherwise starved the client).
    return x.was_step() && !x.hypervisor_handles && v.peek(F::vm_entry_interruption_info) == db_info &&
           x86::dr6::bs.is_set(v.guest_dr6);
}
HVSTEP_DUAL_TEST(VmxTfStepper, BsWithoutForcedTfIsTheGuestsAndAStep, check_bs_without_forced_tf_is_the_guests)

// ---- Access counts ----

constexpr bool check_idle_unrelated_exit_makes_no_access() {
    auto v = guest_at(rflags_if);
    stepper s;
    v.reset_counts();
    const auto x = s.on_exit(v, reason(vmx::exit_reason::ept_violation));
    s.after_emulation(v);
    const unsigned emulation_reads = v.reads;
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    return x.hypervisor_handles && emulation_reads == 2 && v.reads == 0 && v.writes == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, IdleUnrelatedExitMakesNoAccess, check_idle_unrelated_exit_makes_no_access)

constexpr bool check_access_counts_per_hook() {
    auto v = guest_at(rflags_if);
    stepper s;
    bool ok = true;
    s.arm(debugger);
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    ok = ok && v.reads == 7 && v.writes == 2;  // first entry after arm
    const auto reason_db = db_exit(v, q_bs, rflags_if | tf, 0x1002);
    v.reset_counts();
    s.on_exit(v, reason_db);
    ok = ok && v.reads == 4 && v.writes == 0;  // the clients' step
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    ok = ok && v.reads == 6 && v.writes == 0;  // steady entry
    v.reset_counts();
    s.on_exit(v, reason(vmx::exit_reason::rdmsr));
    ok = ok && v.reads == 0 && v.writes == 0;  // other exit, armed
    v.reset_counts();
    s.after_emulation(v);
    ok = ok && v.reads == 3 && v.writes == 0;  // emulation, guest TF=0 (RFLAGS, RIP, pending debug)
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    ok = ok && v.reads == 6 && v.writes == 0;
    s.disarm_all();
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    ok = ok && v.reads == 5 && v.writes == 2;  // first entry after disarm
    v.reset_counts();
    s.before_entry(v, next::ordinary);
    return ok && v.reads == 0 && v.writes == 0;  // idle
}
HVSTEP_DUAL_TEST(VmxTfStepper, AccessCountsPerHook, check_access_counts_per_hook)

// ---- #DB delivery side effects (core rule "db_delivery_side_effects") ----

// A re-injected guest #DB does what native delivery does besides DR6: DR7.GD,
// DEBUGCTL.BTF and LBR are cleared (SDM Vol. 3B §18.2.4, §18.4.3), since
// injection touches none of them (SDM Vol. 3C §27.6.1.1). Otherwise a guest
// with GD=1 would fault again on its handler's MOV from DR6.
constexpr bool check_injected_guest_db_clears_gd_btf_and_lbr() {
    auto v = guest_at(rflags_if | tf);
    v.poke(F::guest_dr7, x86::dr7::init_value | x86::dr7::gd.mask | x86::dr7::l0.mask);
    v.poke(F::guest_debugctl, lbr);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    const auto x = s.on_exit(v, db_exit(v, q_bs, rflags_if | tf, 0x1002));
    return x.was_step() && v.peek(F::vm_entry_interruption_info) == db_info &&
           v.peek(F::guest_dr7) == (x86::dr7::init_value | x86::dr7::l0.mask) && v.peek(F::guest_debugctl) == 0;
}
HVSTEP_DUAL_TEST(VmxTfStepper, InjectedGuestDbClearsGdBtfAndLbr, check_injected_guest_db_clears_gd_btf_and_lbr)

// The guest owns TF and a data breakpoint matched on a MOV SS whose shadowed
// instruction was emulated: the injected #DB carries both, since injection
// discards pending debug exceptions (SDM Vol. 3C §27.7.3).
constexpr bool check_emulation_carries_pending_breakpoints_into_guest_db() {
    auto v = guest_at(rflags_if | tf);
    v.poke(F::guest_interruptibility_state, mov_ss);
    v.poke(F::guest_pending_debug_exceptions, pending_bs | vmx::pending_debug_exceptions::b1.mask |
                                                  vmx::pending_debug_exceptions::enabled_breakpoint.mask);
    stepper s;
    s.arm(debugger);
    s.before_entry(v, next::ordinary);
    vm_exit(v, rflags_if | tf, 0x1000);
    s.on_exit(v, reason(vmx::exit_reason::cpuid));
    v.poke(F::guest_rip, 0x1002);
    v.poke(F::guest_interruptibility_state, 0);
    const auto e = s.after_emulation(v);
    return e.guest_db_injected && v.peek(F::guest_pending_debug_exceptions) == 0 &&
           v.guest_dr6 == (dr6_init | dr6_bs | x86::dr6::b1.mask);
}
HVSTEP_DUAL_TEST(VmxTfStepper, EmulationCarriesPendingBreakpointsIntoGuestDb,
                 check_emulation_carries_pending_breakpoints_into_guest_db)

}  // namespace
