#pragma once
// The TF mechanism, vendor-neutral: what an entry must look like while a TF
// step is armed, and what each exit means. vmx::tf_stepper and
// svm::tf_stepper translate their fields into these inputs and apply the
// plans; neither holds a rule of its own.
//
// Entry (rule "tf_arm"): hvstep sets RFLAGS.TF after saving the guest's own
// TF, and intercepts #DB and every resumable exception vector, so that no
// frame the hardware pushes carries hvstep's TF (SDM Vol. 3A §6.12.1; APM Vol.
// 2 §8.7). The first trap comes after the first guest instruction: APM Vol. 2
// §15.5.1 "Basic Operation" (VMRUN and TF/RF bits in EFLAGS) says so for
// VMRUN; for VM entry it follows from TF being loaded with the guest state
// (the VMX tests exercise it; the SDM has no sentence for it).
// TF is *not* forced on an entry that injects an event (delivery would push
// it), while the guest is halted, or before INT n (it pushes RFLAGS and VMX
// cannot intercept it): the step then ends at the next exit instead.
//
// Exit: one of
//   kind             | meaning for the step
//   -----------------+------------------------------------------------------
//   debug_exception  | route the conditions (db_disposition.hpp); a BS trap
//                    | completes the stepped instruction: update TF ownership
//                    | and undo what it copied of hvstep's TF (PUSHF image, R11)
//   icebp            | INT1: never a step (SDM Vol. 2 "INT n/INTO/INT3/INT1":
//                    | a #DB with no DR6 condition; VMX type 5, SVM exit 88h);
//                    | re-inject it; the step ended in its delivery
//   exception        | a vector hvstep intercepted: re-inject it with the guest's
//                    | flags; the step ended in its delivery. A vector the
//                    | hypervisor intercepts itself, or one met while another
//                    | event was being delivered, is the hypervisor's.
//   unrelated        | nothing for stepping; RFLAGS is still the pre-instruction one

#include <cstdint>

#include "hvstep/core/arming.hpp"
#include "hvstep/core/db_disposition.hpp"
#include "hvstep/core/entry_consistency.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"
#include "hvstep/core/tf_ownership.hpp"
#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

// The exception vectors a TF step intercepts: every fault and trap the guest
// can resume from (SDM Vol. 3A Table 6-1). Not NMI (an interrupt, and SVM
// exception-intercept bit 2 is undefined, APM Vol. 2 §15.12.3), not the aborts
// #DF and #MC (the hypervisor's own handling must see a machine check
// undisturbed), not reserved vectors, not vector 9 (no processor after the
// Intel386 raises it; APM §15.12.10 leaves its intercept bit undefined), and
// not AMD's 28-30 (#HV, #VC, #SX: raised for a hypervisor's or SEV's sake, in
// guests whose state hvstep cannot step anyway).
inline constexpr unsigned coprocessor_segment_overrun = 9;
inline constexpr unsigned first_amd_virtualization_vector = 28;
constexpr std::uint32_t resumable_exception_vectors() noexcept {
    std::uint32_t bits = 0;
    for (unsigned v = 0; v < first_amd_virtualization_vector; ++v) {
        const auto c = x86::classify(static_cast<x86::vector>(v));
        const bool resumable = c == x86::exception_class::fault || c == x86::exception_class::trap ||
                               c == x86::exception_class::fault_or_trap;
        if (resumable && v != coprocessor_segment_overrun) bits |= std::uint32_t{1} << v;
    }
    return bits;
}
inline constexpr std::uint32_t stepping_exception_intercepts = resumable_exception_vectors();


// Rule "btf_guest_write": the guest writes IA32_DEBUGCTL (a WRMSR the
// hypervisor emulates) while hvstep owns the real BTF: the BTF in the value is
// the guest's from now on, and comes back at disarm like its TF; hvstep's BTF
// stays in the register. The other bits are the guest's either way.
struct debugctl_write {
    step_state state{};
    std::uint64_t real_debugctl = 0;
};
constexpr debugctl_write write_guest_debugctl(step_state s, std::uint64_t value, std::uint64_t real_before) noexcept {
    if (!has(s, state_flag::tf_forced)) return {s, value};
    s = with_flag(s, state_flag::guest_btf, x86::debugctl::btf.is_set(value));
    return {s, x86::debugctl::btf.assign(value, x86::debugctl::btf.is_set(real_before))};
}
constexpr std::uint64_t guest_view_of_debugctl(const step_state& s, std::uint64_t real) noexcept {
    if (!has(s, state_flag::tf_forced)) return real;
    return x86::debugctl::btf.assign(real, has(s, state_flag::guest_btf));
}

// ---------------------------------------------------------------- entry ----

struct tf_entry_input {
    std::uint64_t rflags = 0;  // real guest RFLAGS now
    bool btf = false;          // real guest IA32_DEBUGCTL.BTF now
    shadow_state shadow{};     // VMX only; SVM passes none (it has no such entry check)
    bool pending_bs = false;   // VMX pending-debug-exceptions.BS now
    bool injecting = false;    // this entry injects an event
    next_instruction next = next_instruction::unknown;
};

struct tf_entry_plan {
    step_state state{};
    std::uint64_t rflags = 0;
    bool btf = false;
    bool trap_controls = false;          // hvstep's intercepts wanted on this entry
    bool clear_blocking_by_sti = false;  // see entry_consistency.hpp
    bool pending_bs = false;
};

constexpr tf_entry_plan plan_tf_entry(step_state s, const tf_entry_input& in) noexcept {
    tf_entry_plan p{};
    const bool was_forced = has(s, state_flag::tf_forced);
    // While hvstep forces TF it owns the real BTF too; otherwise both
    // registers hold the guest's own values.
    if (!was_forced) {
        s = take_tf(s, in.rflags);
        s = with_flag(s, state_flag::guest_btf, in.btf);
    }
    const bool guest_tf = has(s, state_flag::guest_tf);
    const bool guest_btf = has(s, state_flag::guest_btf);

    const bool force = s.is_armed() && !in.injecting && !in.shadow.halted &&
                       in.next != next_instruction::software_interrupt;
    p.rflags = rflags_for_entry(s, in.rflags, force);

    // While forcing TF hvstep owns BTF too: a guest BTF left on would turn an
    // instruction step into a branch step. The guest's own stepping wins over
    // the clients' wish: a guest stepping instructions (TF without BTF) must
    // see every trap, so clients then get instruction steps; a guest stepping
    // branches (TF with BTF) keeps BTF, so clients then get branch steps.
    bool btf = guest_btf;
    if (force) {
        const bool clients_branch = wants_branch_step(s) && !in.shadow.any();
        btf = guest_tf ? guest_btf : clients_branch;
    }
    p.btf = btf;

    s = with_flag(s, state_flag::tf_forced, force);
    s = with_flag(s, state_flag::btf_forced, force && btf);  // the trap will be a branch trap
    s = with_flag(s, state_flag::delivering, in.injecting);
    // A single-step trap already pending outside a MOV-SS shadow (left by a
    // trap-like exit, SDM Vol. 3C "Saving Non-Register State") is delivered at
    // entry, before the instruction at RIP runs: the next #DB belongs to the
    // instruction that completed, so its description stays.
    const bool trap_pending_at_entry = was_forced && in.pending_bs && !in.shadow.blocking_by_mov_ss;
    if (!trap_pending_at_entry) {
        s.stepping = static_cast<std::uint8_t>(force ? in.next : next_instruction::unknown);
    }

    p.trap_controls = s.is_armed();
    s = with_flag(s, state_flag::trap_controls, p.trap_controls);

    shadow_state shadow = in.shadow;
    p.clear_blocking_by_sti = force && !guest_tf && shadow.blocking_by_sti;
    if (p.clear_blocking_by_sti) shadow.blocking_by_sti = false;
    p.pending_bs = required_pending_bs(shadow, x86::rflags::tf.is_set(p.rflags), btf, in.pending_bs);

    p.state = s;
    return p;
}

// ----------------------------------------------------------------- exit ----

enum class tf_exit_kind : std::uint8_t { unrelated, debug_exception, icebp, exception };

struct tf_exit_input {
    tf_exit_kind kind = tf_exit_kind::unrelated;
    std::uint32_t conditions = 0;        // debug_exception: positive-polarity DR6 conditions
    std::uint8_t vector = 0;             // exception
    bool vectoring = false;              // the exit interrupted the delivery of another event
    bool hypervisor_intercepts = false;  // the hypervisor intercepts this vector / #DB / ICEBP itself
    std::uint64_t rflags = 0;            // real guest RFLAGS at the exit
    std::uint64_t rip = 0;
    std::uint64_t dr7 = 0;
};

struct tf_exit_decision {
    step_state state{};
    step_report report{};
    bool hypervisor_handles = false;      // run the hypervisor's own handling of this exit
    std::uint32_t hypervisor_db = 0;      // a #DB that is the hypervisor's: the conditions it is told of
    std::uint32_t guest_db = 0;           // #DB conditions to inject into the guest (0: none)
    bool guest_db_fault = false;          // its class, for RIP/RF handling
    bool reinject_event = false;          // re-inject the intercepted exception / INT1 as it was
    bool set_rf = false;                  // resume with RFLAGS.RF=1
    bool clear_pushed_tf = false;         // PUSHF: clear TF (bit 8) of the image at the guest's RSP
    bool fix_r11 = false;                 // SYSCALL: set R11.TF to r11_tf
    bool r11_tf = false;

    constexpr bool fixup_needed() const noexcept { return clear_pushed_tf || fix_r11; }
};

namespace detail {
constexpr tf_exit_decision end_by_delivery(step_state s, const tf_exit_input& in) noexcept {
    tf_exit_decision d{};
    if (in.hypervisor_intercepts || in.vectoring) {
        d.state = s;
        d.hypervisor_handles = true;
        return d;
    }
    d.reinject_event = true;
    // The delivery is a boundary the armed clients asked to see, whether or
    // not hvstep's TF was on (after an injection it is not).
    if (s.is_armed()) {
        d.report = step_report{s.armed_clients(), step_cause::event_delivery, in.rip};
        s = retire_reported(s, d.report.clients);
    }
    d.state = s;
    return d;
}
}  // namespace detail

constexpr tf_exit_decision decide_tf_exit(step_state s, const tf_exit_input& in) noexcept {
    switch (in.kind) {
        case tf_exit_kind::unrelated: {
            tf_exit_decision d{};
            d.state = s;
            d.hypervisor_handles = true;
            return d;
        }
        case tf_exit_kind::icebp:
        case tf_exit_kind::exception:
            return detail::end_by_delivery(s, in);
        case tf_exit_kind::debug_exception:
            break;
    }

    tf_exit_decision d{};
    const bool forced = has(s, state_flag::tf_forced);
    const bool real_tf_after = x86::rflags::tf.is_set(in.rflags);
    const auto stepped = static_cast<next_instruction>(s.stepping);
    const bool guest_trap = guest_owns_step_trap(has(s, state_flag::guest_tf), real_tf_after, stepped);
    const db_disposition route =
        route_db(s, mechanism::trap_flag, in.conditions, in.dr7, in.rip, in.hypervisor_intercepts, guest_trap);
    d.report = route.report;
    d.guest_db = route.guest_conditions;
    d.guest_db_fault = route.guest_fault_class;
    d.set_rf = route.resume_with_rf;
    d.hypervisor_handles = route.hypervisor_handles;
    if (d.hypervisor_handles) d.hypervisor_db = route.hypervisor_conditions;

    // A BS trap means the stepped instruction completed with hvstep's TF.
    const bool completed = (in.conditions & static_cast<std::uint32_t>(x86::dr6::bs.mask)) != 0;
    if (completed && forced) {
        const bool guest_tf_before = has(s, state_flag::guest_tf);
        d.clear_pushed_tf = stepped == next_instruction::pushes_flags && !guest_tf_before;
        d.fix_r11 = stepped == next_instruction::syscall;
        d.r11_tf = guest_tf_before;
        s = update_after_step(s, in.rflags);
        s.stepping = static_cast<std::uint8_t>(next_instruction::unknown);
    }
    if (d.guest_db != 0) s = with_flag(s, state_flag::guest_btf, false);  // rule "db_delivery_side_effects"
    d.state = retire_reported(s, d.report.clients);
    return d;
}

// ------------------------------------------------------------ emulation ----

struct emulation_decision {
    step_state state{};
    step_report report{};
    std::uint32_t guest_db = 0;          // #DB(BS) owed to the guest, trap-class
    bool consume_pending_trap = false;   // a pending single-step trap (VMX) is this instruction's: drop it
};

// Rule "emulated_instruction_completes_step": an instruction the hypervisor
// emulates raises no hardware trap and no MTF exit (SDM Vol. 3C §26.5.2), so
// hvstep reports the step itself and owes the guest the #DB(BS) its own TF
// would have raised (SDM Vol. 3B §18.3.1.4: decided by TF at the start of the
// instruction). `real_rflags` is the guest RFLAGS register before the
// emulation; an emulated POPF/IRET writes RFLAGS through write_guest_rflags().
// Shared by every mechanism: under MTF, TF is never forced and the register is
// the guest's own.
constexpr emulation_decision decide_after_emulation(step_state s, std::uint64_t real_rflags,
                                                    std::uint64_t rip) noexcept {
    emulation_decision d{};
    bool guest_tf = has(s, state_flag::tf_forced) ? has(s, state_flag::guest_tf) : x86::rflags::tf.is_set(real_rflags);
    if (has_more(s, more_flag::emulation_tf_recorded)) guest_tf = has_more(s, more_flag::emulation_tf);
    s = end_of_exit(s);
    if (s.is_armed()) d.report = step_report{s.armed_clients(), step_cause::emulated_instruction, rip};
    if (guest_tf) {
        d.guest_db = static_cast<std::uint32_t>(x86::dr6::bs.mask);
        s = with_flag(s, state_flag::guest_btf, false);  // rule "db_delivery_side_effects"
    }
    // A trap pending for this instruction (a MOV-SS pair whose second half was
    // emulated) is now reported or injected: left pending it would be
    // delivered again at entry, before the next instruction runs.
    d.consume_pending_trap = guest_tf || has(s, state_flag::tf_forced);
    d.state = retire_reported(s, d.report.clients);
    return d;
}

struct rflags_write {
    step_state state{};
    std::uint64_t real_rflags = 0;
};

// Rule "tf_guest_write": the hypervisor writes the guest's RFLAGS (an emulated
// POPF/IRET, a debugger editing registers): the TF in the value is the guest's
// from now on, decided from the value; hvstep's forced TF stays in the register.
// The first write of an exit records the guest's TF before it, which is what
// decides the trap of an emulated instruction (SDM Vol. 3B §18.3.1.4: TF at the
// start of the instruction). `real_before` is the register before the write.
constexpr rflags_write write_guest_rflags(step_state s, std::uint64_t value, std::uint64_t real_before) noexcept {
    const bool forced = has(s, state_flag::tf_forced);
    if (!has_more(s, more_flag::emulation_tf_recorded)) {
        const bool before = forced ? has(s, state_flag::guest_tf) : x86::rflags::tf.is_set(real_before);
        s = with_more_flag(s, more_flag::emulation_tf_recorded, true);
        s = with_more_flag(s, more_flag::emulation_tf, before);
    }
    if (!forced) return {s, value};
    s = with_flag(s, state_flag::guest_tf, x86::rflags::tf.is_set(value));
    return {s, x86::rflags::tf.with(value)};
}


}  // namespace core
}  // namespace v0
}  // namespace hvstep
