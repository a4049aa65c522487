#pragma once
// Synthetic VM exits: put a VMCS (through any hvstep VMCS accessor) or a VMCB (a plain
// svm::vmcb_layout) into the state the processor leaves at one kind of exit, so an exit handler
// can be benchmarked or tested without hardware. hvstep's own benchmarks (bench/) use these; a
// hypervisor author can time their own handler with them (docs/performance.md shows how).
//
// Each function writes what the processor writes at that exit and nothing else: the exit
// information fields, the guest RIP when the exit is trap-like, and, on SVM, the cause in VMCB.DR6.
// Everything the exit handler or the previous entry left (RFLAGS with whatever TF the stepper
// forced, the intercepts, the controls) is kept, which is what makes the same helper right for any
// stepping implementation. Start from `ready_for_entry()`, let the implementation arm and run its
// before-entry code, then apply one exit.
//
// Sources: Intel SDM Vol. 3C §28.2 "Recording VM-Exit Information" (exit reason, qualification,
// interruption information; the valid bit of the VM-entry interruption-information field is
// cleared on every exit, §28.2.3), §26.5.2 (MTF exits; a TF trap due at the same boundary stays
// pending with BS set), §28.3.4 (pending debug exceptions saved at exit); AMD APM Vol. 2 §15.6,
// §15.7.1 (EXITCODE, nRIP), §15.12.2 (#DB intercept: the cause is in VMCB.DR6 already), §15.20
// (EVENTINJ.V is clear after VMRUN delivered the event).

#include <cstdint>

#include "hvstep/svm/event_injection.hpp"
#include "hvstep/svm/exit_code.hpp"
#include "hvstep/svm/intercepts.hpp"
#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_bench {

// The exit kinds hvstep's benchmark table has one row for. The first four are exits (or what the
// handler does right after one); the last three are what a client or the entry path does.
enum class exit_kind : unsigned {
    step_trap,        // the exit that ends the step the stepper armed (MTF exit; #DB with BS)
    guest_db,         // a #DB that is the guest's own, to be re-injected (MTF: the guest's TF trap
                      // coinciding with the MTF exit, left pending for the processor to deliver)
    unrelated,        // an exit that has nothing to do with stepping (external interrupt)
    after_emulation,  // the handler emulated CPUID and advanced RIP: the step completed in software
    arm,              // a client arms a continuous step; the next entry applies it
    disarm,           // the client disarms after a step; the next entry removes the controls
    before_entry,     // the entry after a step trap, while stepping continues
    count_,
};
inline constexpr unsigned exit_kind_count = static_cast<unsigned>(exit_kind::count_);

constexpr const char* name(exit_kind k) noexcept {
    switch (k) {
        case exit_kind::step_trap:
            return "step_trap";
        case exit_kind::guest_db:
            return "guest_db";
        case exit_kind::unrelated:
            return "unrelated";
        case exit_kind::after_emulation:
            return "after_emulation";
        case exit_kind::arm:
            return "arm";
        case exit_kind::disarm:
            return "disarm";
        case exit_kind::before_entry:
            return "before_entry";
        case exit_kind::count_:
            break;
    }
    return "?";
}

// The quiet 64-bit guest the helpers start from.
struct guest_setup {
    std::uint64_t rip = 0xffff'ffff'8100'0000U;  // kernel text
    // IF and the reserved bit; set TF here for a guest that single-steps itself.
    std::uint64_t rflags = hvstep::x86::rflags::reset_value | hvstep::x86::rflags::if_.mask;
    std::uint64_t dr7 = hvstep::x86::dr7::init_value;
    std::uint64_t dr6 = hvstep::x86::dr6::init_value;
    std::uint16_t cs_selector = 0x10;
    // The hypervisor's own exception intercepts: #UD, #AC, #MC (no #DB, no #PF: EPT/NPT).
    std::uint32_t hypervisor_exceptions = (1U << static_cast<unsigned>(hvstep::x86::vector::ud)) |
                                          (1U << static_cast<unsigned>(hvstep::x86::vector::ac)) |
                                          (1U << static_cast<unsigned>(hvstep::x86::vector::mc));
};

// A DR7 with breakpoint 0 enabled locally as an instruction breakpoint (R/W0 = 00, LEN0 = 00):
// what a guest debugger sets for `hbreak` (SDM Vol. 3B §18.2.4).
inline constexpr std::uint64_t dr7_instruction_breakpoint_0 =
    hvstep::x86::dr7::init_value | hvstep::x86::dr7::l0.mask;

// CPUID is two bytes (0F A2); the stepped instruction in every trap-like exit is taken to be
// three bytes long (any ordinary instruction).
inline constexpr std::uint8_t cpuid_length = 2;
inline constexpr std::uint8_t stepped_length = 3;

namespace vmx {
using hvstep::vmx::vmcs_field;

// Primary processor-based controls of a typical EPT hypervisor: HLT exiting, unconditional I/O
// exiting, MSR bitmaps, secondary controls (SDM Vol. 3C §25.6.2). MTF is off.
inline constexpr std::uint64_t typical_primary_controls =
    hvstep::vmx::primary_processor_controls::hlt_exiting.mask |
    hvstep::vmx::primary_processor_controls::unconditional_io_exiting.mask |
    hvstep::vmx::primary_processor_controls::use_msr_bitmaps.mask |
    hvstep::vmx::primary_processor_controls::activate_secondary_controls.mask;

// Every field the stepping implementations of the benchmark read, for a guest about to enter
// outside any stepping: active, no shadow, nothing injected, nothing pending.
template <class Vmcs>
void ready_for_entry(Vmcs& v, const guest_setup& g = {}) {
    v.write(vmcs_field::guest_rip, g.rip);
    v.write(vmcs_field::guest_rflags, g.rflags);
    v.write(vmcs_field::guest_cs_selector, g.cs_selector);
    v.write(vmcs_field::guest_dr7, g.dr7);
    v.write(vmcs_field::guest_debugctl, 0);
    v.write(vmcs_field::guest_interruptibility_state, 0);
    v.write(vmcs_field::guest_activity_state,
            static_cast<std::uint64_t>(hvstep::vmx::activity_state::active));
    v.write(vmcs_field::guest_pending_debug_exceptions, 0);
    v.write(vmcs_field::primary_processor_controls, typical_primary_controls);
    v.write(vmcs_field::exception_bitmap, g.hypervisor_exceptions);
    v.write(vmcs_field::vm_entry_interruption_info, 0);
    v.write(vmcs_field::vm_entry_exception_error_code, 0);
    v.write(vmcs_field::vm_entry_instruction_length, 0);
    v.write(vmcs_field::exit_reason, 0);
    v.write(vmcs_field::exit_qualification, 0);
    v.write(vmcs_field::vm_exit_interruption_info, 0);
    v.write(vmcs_field::vm_exit_interruption_error_code, 0);
    v.write(vmcs_field::vm_exit_instruction_length, 0);
    v.write(vmcs_field::idt_vectoring_info, 0);
    v.write_dr6(g.dr6);  // VMX keeps the guest's DR6 in the processor; the accessor holds it
}

namespace detail {
template <class Vmcs>
std::uint32_t common_exit(Vmcs& v, hvstep::vmx::exit_reason reason, std::uint64_t qualification) {
    const auto raw = static_cast<std::uint32_t>(reason);
    v.write(vmcs_field::exit_reason, raw);
    v.write(vmcs_field::exit_qualification, qualification);
    v.write(vmcs_field::vm_exit_interruption_info, 0);
    v.write(vmcs_field::vm_exit_instruction_length, 0);
    v.write(vmcs_field::idt_vectoring_info, 0);
    v.write(vmcs_field::vm_entry_interruption_info, 0);  // cleared by every exit (SDM §28.2.3)
    v.write(vmcs_field::guest_pending_debug_exceptions, 0);
    return raw;
}
template <class Vmcs>
void advance_rip(Vmcs& v, std::uint8_t length) {
    v.write(vmcs_field::guest_rip, v.read(vmcs_field::guest_rip) + length);
}
template <class Vmcs>
std::uint32_t db_exit(Vmcs& v, std::uint64_t qualification) {
    const std::uint32_t reason = common_exit(v, hvstep::vmx::exit_reason::exception_or_nmi, qualification);
    v.write(vmcs_field::vm_exit_interruption_info,
            hvstep::vmx::make_interruption_info(static_cast<std::uint8_t>(hvstep::x86::vector::db),
                                                hvstep::vmx::interruption_type::hardware_exception, false));
    return reason;
}
}  // namespace detail

// MTF exit (reason 37) after one instruction of `length` bytes. With `guest_trap_pending`, the
// guest's own TF trap came due at the same boundary: MTF has priority and the trap stays pending
// (BS in the pending-debug-exceptions field), delivered by the next VM entry (SDM §26.5.2).
template <class Vmcs>
std::uint32_t mtf_exit(Vmcs& v, bool guest_trap_pending = false, std::uint8_t length = stepped_length) {
    const std::uint32_t reason = detail::common_exit(v, hvstep::vmx::exit_reason::monitor_trap_flag, 0);
    detail::advance_rip(v, length);
    if (guest_trap_pending) {
        v.write(vmcs_field::guest_pending_debug_exceptions, hvstep::vmx::pending_debug_exceptions::bs.mask);
    }
    return reason;
}

// #DB exit (reason 0, vector 1, hardware exception) for the single-step trap after one
// instruction: exit qualification BS, RIP past the instruction. RFLAGS is left as the entry set
// it (a trap exits before delivery, so TF is still set).
template <class Vmcs>
std::uint32_t single_step_db_exit(Vmcs& v, std::uint8_t length = stepped_length) {
    detail::advance_rip(v, length);
    return detail::db_exit(v, hvstep::vmx::debug_qualification::bs.mask);
}

// #DB exit for the guest's own instruction breakpoint in DR0 (DR7 = dr7_instruction_breakpoint_0):
// a fault, so RIP stays at the instruction and no BS is reported (SDM Vol. 3B §18.3.1.1).
template <class Vmcs>
std::uint32_t instruction_breakpoint_db_exit(Vmcs& v) {
    return detail::db_exit(v, hvstep::vmx::debug_qualification::b0.mask);
}

// External-interrupt exit (reason 1) with "acknowledge interrupt on exit": the vector is in the
// exit interruption information; RIP has not moved.
template <class Vmcs>
std::uint32_t external_interrupt_exit(Vmcs& v, std::uint8_t vector = 0xec) {
    const std::uint32_t reason = detail::common_exit(v, hvstep::vmx::exit_reason::external_interrupt, 0);
    v.write(vmcs_field::vm_exit_interruption_info,
            hvstep::vmx::make_interruption_info(vector, hvstep::vmx::interruption_type::external_interrupt,
                                                false));
    return reason;
}

// CPUID exit (reason 10): fault-like, RIP at the CPUID, its length in the exit instruction length.
template <class Vmcs>
std::uint32_t cpuid_exit(Vmcs& v) {
    const std::uint32_t reason = detail::common_exit(v, hvstep::vmx::exit_reason::cpuid, 0);
    v.write(vmcs_field::vm_exit_instruction_length, cpuid_length);
    return reason;
}

// What the handler does after emulating the instruction of a fault-like exit: RIP past it.
template <class Vmcs>
void complete_emulation(Vmcs& v) {
    detail::advance_rip(v, static_cast<std::uint8_t>(v.read(vmcs_field::vm_exit_instruction_length)));
}
}  // namespace vmx

namespace svm {
using hvstep::svm::vmcb_layout;

// Every field the stepping implementations of the benchmark read, for a guest about to enter
// outside any stepping. VMRUN intercept set (APM §15.5.1 requires it), no LBR virtualization.
inline void ready_for_entry(vmcb_layout& l, const guest_setup& g = {}) {
    l.control.intercept_exceptions = g.hypervisor_exceptions;
    l.control.intercept_misc1 = static_cast<std::uint32_t>(
        hvstep::svm::misc1::intr.mask | hvstep::svm::misc1::cpuid.mask | hvstep::svm::misc1::msr_prot.mask);
    l.control.intercept_misc2 = static_cast<std::uint32_t>(hvstep::svm::misc2::vmrun.mask);
    l.control.intercept_dr = 0;
    l.control.lbr_virtualization_enable = 0;
    l.control.event_injection = hvstep::svm::no_event;
    l.control.exit_code = 0;
    l.control.exit_info1 = 0;
    l.control.exit_info2 = 0;
    l.control.exit_int_info = 0;
    l.control.next_rip = 0;
    l.control.vmcb_clean = ~0U;  // everything cached: writers must clear what they touch
    l.save.rip = g.rip;
    l.save.rflags = g.rflags;
    l.save.cs.selector = g.cs_selector;
    l.save.cs.base = 0;
    l.save.dr7 = g.dr7;
    l.save.dr6 = g.dr6;
    l.save.dbgctl = 0;
    l.save.cr2 = 0;
}

namespace detail {
inline void common_exit(vmcb_layout& l, hvstep::svm::exit_code code) {
    l.control.exit_code = hvstep::svm::raw(code);
    l.control.exit_info1 = 0;
    l.control.exit_info2 = 0;
    l.control.exit_int_info = 0;
    l.control.next_rip = 0;
    l.control.event_injection = hvstep::svm::no_event;  // delivered by the VMRUN (APM §15.20)
    l.control.vmcb_clean = ~0U;                         // the processor cached what it loaded
}
// The processor records a #DB's conditions in DR6: B0-B3 replaced, BD/BS/BT sticky (APM §13.1.1.3).
inline void record_db(vmcb_layout& l, std::uint64_t conditions) {
    namespace dr6 = hvstep::x86::dr6;
    const std::uint64_t kept = dr6::to_conditions(l.save.dr6) & ~dr6::breakpoint_hits.mask;
    l.save.dr6 = dr6::from_conditions(kept | conditions);
}
}  // namespace detail

// #DB intercept (exit code 41h) for the single-step trap after one instruction: BS recorded in
// VMCB.DR6 before the intercept (APM §15.12.2), RIP past the instruction, RFLAGS as entered.
inline std::uint64_t single_step_db_exit(vmcb_layout& l, std::uint8_t length = stepped_length) {
    detail::common_exit(l, hvstep::svm::exit_code::excp_db);
    l.save.rip += length;
    detail::record_db(l, hvstep::x86::dr6::bs.mask);
    return l.control.exit_code;
}

// #DB intercept for the guest's own instruction breakpoint in DR0: a fault, RIP unchanged.
inline std::uint64_t instruction_breakpoint_db_exit(vmcb_layout& l) {
    detail::common_exit(l, hvstep::svm::exit_code::excp_db);
    detail::record_db(l, hvstep::x86::dr6::b0.mask);
    return l.control.exit_code;
}

// Physical interrupt intercept (exit code 60h): RIP has not moved.
inline std::uint64_t external_interrupt_exit(vmcb_layout& l) {
    detail::common_exit(l, hvstep::svm::exit_code::intr);
    return l.control.exit_code;
}

// CPUID intercept (exit code 72h): RIP at the CPUID; nRIP past it where NRIP save exists (APM §15.7.1).
inline std::uint64_t cpuid_exit(vmcb_layout& l) {
    detail::common_exit(l, hvstep::svm::exit_code::cpuid);
    l.control.next_rip = l.save.rip + cpuid_length;
    return l.control.exit_code;
}

// What the handler does after emulating the instruction: RIP to nRIP.
inline void complete_emulation(vmcb_layout& l) { l.save.rip = l.control.next_rip; }
}  // namespace svm

}  // namespace hvstep_bench
