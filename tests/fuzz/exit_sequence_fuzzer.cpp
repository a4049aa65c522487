// libFuzzer harness (issue #7, part a): arbitrary sequences of hook calls, with arbitrary exit
// information, into every policy — vmx::mtf_stepper and vmx::tf_stepper over an in-memory VMCS,
// svm::tf_stepper<svm::vmcb_page> over an in-memory VMCB page — with the invariants below checked
// after every hook. A violation prints what was violated and traps, so libFuzzer keeps the input.
// Built with clang -fsanitize=fuzzer,address,undefined: undefined behaviour and memory errors are
// findings too. docs/reliability.md lists the invariants, the figures and what was found.
//
// Invariants (each `violation(...)` below names the one it checks):
//   I1  no undefined behaviour, no crash (the sanitizers);
//   I2  every VMX before_entry leaves a VMCS that passes core::passes_pending_bs_check for the
//       interruptibility, activity, RFLAGS.TF, DEBUGCTL.BTF and pending BS it holds: always when a
//       TF policy is active, and in every case when the VMCS passed the check before the hook;
//   I3  a report names only armed clients or breakpoint owners (an arming model kept here, not
//       the policy's own state, decides who those are), and the policy's armed set follows the
//       arming table of core/arming.hpp;
//   I4  while nothing is armed, TF is not forced and none of hvstep's controls is left on, the
//       hooks write nothing (after_emulation excepted when the guest's own TF is set: it then owes
//       the guest its #DB, and writes exactly that);
//   I5  the hypervisor's BS never reaches the guest's DR6 (after on_exit or after_emulation) when
//       the guest did not own the trap (its TF at the start of the instruction, or a TF=1 that
//       SYSRET loaded, which traps at once);
//   I6  a trap-class #DB is never injected as fault-class: the class x86::classify_db gives the
//       DR6 the guest's handler will read (minus sticky bits that were already there) is never
//       fault or mixed when the exit's own conditions were trap-class;
//   I7  after disarm + before_entry, RFLAGS.TF is what the guest owns (guest_rflags() before the
//       entry; on VMX, DEBUGCTL.BTF likewise through guest_debugctl()) and the hypervisor's
//       controls are exactly its originals (VMX exception bitmap or primary controls; SVM
//       exception, misc2 and DR intercept words and LBR virtualization);
//   plus: hvstep writes only the fields its policy documents, never a value wider than a VMCS
//   field, clears the VMCB clean bit of every group it changes, never pushes its own TF with an
//   injected event, gives SVM's parked guest DR6 back unchanged when it injects nothing, applies
//   the side effects of #DB delivery to the #DBs it injects, and injects the guest's #DB after an
//   emulation exactly when the guest owned TF at the start of the emulated instruction.
//
// Input format (bytes are read from the front; a read past the end yields 0):
//   byte 0          policy: 0 vmx::mtf_stepper, 1 vmx::tf_stepper, 2 svm::tf_stepper (mod 3)
//   then operations, each one opcode byte (mod 11) and its arguments:
//     0 arm            client u8 (mod 10; 8 and 9 are invalid), granularity u8 (mod 3),
//                      persistence u8 (mod 3), step_into u8 (bit 0; MTF only)
//     1 disarm         client u8 (mod 10)
//     2 disarm_all
//     3 claim          dr_slots u8, owner u8 (mod 10)          (TF policies; MTF ignores it)
//     4 exit           the processor's exit (below), then on_exit
//     5 emulate        mask u8: bit 0 -> new RIP u64; then after_emulation
//     6 write_rflags   value u64: set_guest_rflags
//     7 entry          next_instruction u8 (any value); before_entry
//     8 guest_write    which u8 (mod 6), value u64: 0 DR6, 1 DR7, 2 DEBUGCTL,
//                      3 interruptibility / SVM interrupt shadow, 4 activity, 5 pending debug
//     9 inject         VMX entry interruption info u32 / SVM EVENTINJ u64: the hypervisor's event
//    10 configure      the hypervisor's own controls, applied only while hvstep's are off:
//                      VMX exception bitmap u32, primary controls u32 (bit 27 dropped);
//                      SVM exception u32, misc2 u32, DR intercepts u32, LBR virtualization u8
//   VMX exit: kind u8 (mod 8), [kind 2: vector u8] [kind 3: vector u8] [kind 5: reason u8]
//             [kind 6: reason u32, info u32] [kind 7: info u32], qualification u32,
//             instruction length u8, error code u16, mask u8 then per set bit:
//             0 RFLAGS u64, 1 interruptibility u32, 2 activity u32, 3 pending debug u64,
//             4 DR7 u64, 5 DEBUGCTL u64, 6 IDT-vectoring info u32, 7 RIP u64.
//             kinds: 0 #DB, 1 ICEBP, 2 exception, 3 NMI/interrupt, 4 MTF, 5 other reason,
//             6 raw reason and info, 7 reason 0 with raw info.
//   SVM exit: kind u8 (mod 8), [kind 2: vector u8] [kind 3: direction u8] [kind 4: code u8]
//             [kind 5: code u64], DR6 delta u32 (VMCB.DR6 = 0xffff0ff0 ^ delta), mask u8 then per
//             set bit: 0 RFLAGS, 1 DR7, 2 EXITINTINFO, 3 RIP, 4 nRIP, 5 EXITINFO1, 6 EXITINFO2,
//             7 DBGCTL (each u64). kinds: 0 #DB, 1 ICEBP, 2 exception, 3 MOV DR6, 4 0x60+code
//             (interrupts and instruction intercepts), 5 raw code, 6 #DB, 7 VMEXIT_INVALID.
// tests/fuzz/make_exit_sequence_seeds.py writes the seed corpus in this format.

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "hvstep/core/arming.hpp"
#include "hvstep/core/entry_consistency.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/step_types.hpp"
#include "hvstep/svm/event_injection.hpp"
#include "hvstep/svm/exit_code.hpp"
#include "hvstep/svm/intercepts.hpp"
#include "hvstep/svm/tf_stepper.hpp"
#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/svm/vmcb_page.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/guest_state.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/mtf_stepper.hpp"
#include "hvstep/vmx/tf_stepper.hpp"
#include "hvstep/vmx/vmcs_encoding.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/debug_condition.hpp"
#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace {

namespace core = hvstep::core;
namespace vmx = hvstep::vmx;
namespace svm = hvstep::svm;
namespace x86 = hvstep::x86;
using F = vmx::vmcs_field;

constexpr unsigned max_operations = 512;

// ------------------------------------------------------------------------------ reporting ----

const char* g_policy = "?";
unsigned g_operation = 0;
const char* g_hook = "?";

// HVSTEP_FUZZ_TRACE=1: print every operation with its arguments and the step state after it, to
// turn a crashing input into the sequence written down in docs/reliability.md.
bool g_trace = false;
char g_args[320] = "";

__attribute__((format(printf, 1, 2))) void note(const char* format, ...) {
    if (!g_trace) return;
    va_list args;
    va_start(args, format);
    std::vsnprintf(g_args, sizeof(g_args), format, args);
    va_end(args);
}

[[noreturn]] __attribute__((format(printf, 1, 2))) void violation(const char* format, ...) {
    if (g_trace) std::fprintf(stderr, "#%-3u %-17s %s\n", g_operation, g_hook, g_args);
    std::fprintf(stderr, "\n==hvstep== invariant violated: %s policy, operation #%u (%s): ", g_policy, g_operation,
                 g_hook);
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
    std::fputc('\n', stderr);
    std::fflush(stderr);
    __builtin_trap();
}

using ull = unsigned long long;

void trace_state(const core::step_state& s) {
    if (!g_trace) return;
    std::fprintf(stderr, "#%-3u %-17s %s\n      -> armed 0x%02x one-step 0x%02x flags 0x%02x more 0x%02x stepping %u "
                 "parked-dr6 0x%x hv-exceptions 0x%x\n",
                 g_operation, g_hook, g_args, s.armed, s.one_step, s.flags, s.more_flags, s.stepping,
                 s.parked_guest_dr6, s.hypervisor_exception_intercepts);
    g_args[0] = '\0';
}

// Known library bugs (docs/reliability.md, "Found") are stepped around so that the fuzzer keeps
// looking for new ones; HVSTEP_FUZZ_STRICT=1 in the environment turns every workaround off, to
// check a fix. Each workaround is marked `// BUG:` where it applies.
bool g_strict = false;

// ------------------------------------------------------------------------------ the input ----

class byte_reader {
public:
    byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : std::uint8_t{0}; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(le(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
    std::uint64_t u64() { return le(8); }

private:
    std::uint64_t le(unsigned bytes) {
        std::uint64_t v = 0;
        for (unsigned i = 0; i < bytes; ++i) v |= std::uint64_t{u8()} << (8U * i);
        return v;
    }
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// ------------------------------------------------------------------------------ shared facts ----

constexpr std::uint64_t tf_bit = x86::rflags::tf.mask;
constexpr std::uint32_t bs_condition = static_cast<std::uint32_t>(x86::dr6::bs.mask);
// Bits the processor never clears once set, in conditions polarity (SDM Vol. 3B §18.2.3): BD,
// BS, BT, and BLD (other #DBs leave it alone). B0-B3 show the latest #DB; RTM is set again by
// every #DB outside an RTM region.
constexpr std::uint64_t sticky_conditions = x86::dr6::bd.mask | x86::dr6::bs.mask | x86::dr6::bt.mask |
                                            x86::dr6::bld.mask;

bool tf_of(std::uint64_t rflags) { return x86::rflags::tf.is_set(rflags); }
bool bs_of_dr6(std::uint64_t dr6) { return x86::dr6::bs.is_set(dr6); }

// Whether the single-step trap of the instruction just stepped is hvstep's alone: hvstep forced
// TF and the guest owned no TF — neither at the start of the instruction nor one that SYSRET
// loaded, which traps right after SYSRET itself (core/tf_ownership.hpp, "sysret_traps_at_once").
bool step_trap_is_hvsteps(const core::step_state& s, std::uint64_t rflags_at_exit) {
    if (!core::has(s, core::state_flag::tf_forced) || core::has(s, core::state_flag::guest_tf)) return false;
    const bool sysret = static_cast<core::next_instruction>(s.stepping) == core::next_instruction::sysret;
    return !(sysret && tf_of(rflags_at_exit));
}

// The conditions of the #DB the guest's handler reads in `after`, the DR6 hvstep left: every
// condition except sticky ones that `before` already held (those the processor would show too).
std::uint64_t delivered_conditions(std::uint64_t before, std::uint64_t after) {
    return x86::dr6::to_conditions(after) & ~(x86::dr6::to_conditions(before) & sticky_conditions);
}

// What native delivery of a #DB changes besides DR6, which an injected one must do too
// (core/dr6_rules.hpp, rule "db_delivery_side_effects"): DR7.GD and DEBUGCTL.BTF/LBR cleared.
void check_delivery_side_effects(std::uint64_t dr7, bool debugctl_loaded, std::uint64_t debugctl) {
    if (x86::dr7::gd.is_set(dr7)) violation("a #DB was injected with DR7.GD still set (0x%llx)", static_cast<ull>(dr7));
    if (debugctl_loaded && (x86::debugctl::btf.is_set(debugctl) || x86::debugctl::lbr.is_set(debugctl))) {
        violation("a #DB was injected with DEBUGCTL.BTF/LBR still set (0x%llx)", static_cast<ull>(debugctl));
    }
}

const char* class_name(x86::db_class c) {
    switch (c) {
        case x86::db_class::none: return "none";
        case x86::db_class::fault: return "fault";
        case x86::db_class::trap: return "trap";
        case x86::db_class::mixed: return "mixed";
    }
    return "?";
}

// I6 for one injected #DB. `exit_conditions` are the conditions of the #DB being handled
// (positive polarity), `dr7` the guest's DR7.
void check_injected_class(std::uint64_t exit_conditions, std::uint64_t dr7, std::uint64_t dr6_before,
                          std::uint64_t dr6_after) {
    if (x86::classify_db(exit_conditions, dr7) != x86::db_class::trap) return;
    const std::uint64_t payload = delivered_conditions(dr6_before, dr6_after);
    const auto c = x86::classify_db(payload, dr7);
    if (c == x86::db_class::fault || c == x86::db_class::mixed) {
        violation("I6: a trap-class #DB (conditions 0x%llx, DR7 0x%llx) was injected as %s-class: guest DR6 "
                  "0x%llx -> 0x%llx, conditions the handler reads 0x%llx",
                  static_cast<ull>(exit_conditions), static_cast<ull>(dr7), class_name(c),
                  static_cast<ull>(dr6_before), static_cast<ull>(dr6_after), static_cast<ull>(payload));
    }
}

// ------------------------------------------------------------------------------ arming model ----

// The arming table of core/arming.hpp, kept independently of the policy: who is armed, who
// retires after a report, who owns claimed breakpoints.
struct arming_model {
    std::uint8_t armed = 0;
    std::uint8_t one_step = 0;
    std::uint8_t owners = 0;

    static std::uint8_t bit(unsigned client) {
        return client < 8U ? static_cast<std::uint8_t>(1U << client) : std::uint8_t{0};
    }
    core::arm_result arm(unsigned client, core::granularity g, core::persistence p, bool branch_capable) {
        if (client >= 8U) return core::arm_result::invalid_client;
        if (g == core::granularity::branch && !branch_capable) return core::arm_result::unsupported_granularity;
        armed = static_cast<std::uint8_t>(armed | bit(client));
        one_step = p == core::persistence::one_step ? static_cast<std::uint8_t>(one_step | bit(client))
                                                    : static_cast<std::uint8_t>(one_step & ~bit(client));
        return core::arm_result::armed;
    }
    void disarm(std::uint8_t set) {
        armed = static_cast<std::uint8_t>(armed & ~set);
        one_step = static_cast<std::uint8_t>(one_step & armed);
    }
    void claim(std::uint8_t slots, unsigned owner) { owners = (slots & 0x0FU) != 0 ? bit(owner) : std::uint8_t{0}; }

    // I3, then retire the one-step clients told.
    void reported(const core::step_report& r) {
        const std::uint8_t allowed = static_cast<std::uint8_t>(armed | owners);
        if ((r.clients.bits & ~allowed) != 0) {
            violation("I3: report to clients 0x%02x, but only 0x%02x are armed and 0x%02x own breakpoints",
                      r.clients.bits, armed, owners);
        }
        if (r.any() && r.cause == core::step_cause::none) violation("I3: a report with cause none");
        disarm(static_cast<std::uint8_t>(r.clients.bits & one_step));
    }
    void compare(const core::step_state& s) const {
        if (s.armed != armed || (s.one_step & s.armed) != one_step) {
            violation("I3: the policy has armed 0x%02x (one-step 0x%02x), the arming table says 0x%02x (0x%02x)",
                      s.armed, s.one_step, armed, one_step);
        }
    }
};

// Which TF decides the trap of an instruction the hypervisor emulates: the guest's TF at its
// start, which the first set_guest_rflags() of an exit records (an emulated POPF writes RFLAGS
// before after_emulation() runs); without a write, the guest's TF now.
struct emulation_model {
    bool recorded = false;
    bool tf = false;

    void written(bool guest_tf_before) {
        if (recorded) return;
        recorded = true;
        tf = guest_tf_before;
    }
    bool tf_at_start(bool guest_tf_now) {
        const bool t = recorded ? tf : guest_tf_now;
        end_of_exit();
        return t;
    }
    void end_of_exit() { recorded = false; }
};

const char* arm_result_name(core::arm_result r) {
    switch (r) {
        case core::arm_result::armed: return "armed";
        case core::arm_result::invalid_client: return "invalid_client";
        case core::arm_result::unsupported_granularity: return "unsupported_granularity";
    }
    return "?";
}

// ------------------------------------------------------------------------------ VMX ----

// A VMCS in a table. poke() is the processor or the hypervisor (masked to the field's width, as
// VMREAD would return it); write() is hvstep, and is checked against the policy's field list.
struct recording_vmcs {
    struct slot {
        F field;
        std::uint64_t value;
    };
    static constexpr unsigned capacity = 64;
    slot slots[capacity]{};
    unsigned used = 0;
    std::uint64_t guest_dr6 = x86::dr6::init_value;
    std::uint64_t guest_cr2 = 0;

    unsigned writes = 0;  // by hvstep, during the current hook
    const F* allowed = nullptr;
    unsigned allowed_count = 0;

    static std::uint64_t fit(F f, std::uint64_t v) {
        switch (vmx::width_of(f)) {
            case vmx::field_width::word16: return v & 0xFFFFU;
            case vmx::field_width::word32: return v & 0xFFFF'FFFFU;
            case vmx::field_width::word64:
            case vmx::field_width::natural: return v;
        }
        return v;
    }
    std::uint64_t peek(F f) const {
        for (unsigned i = 0; i < used; ++i) {
            if (slots[i].field == f) return slots[i].value;
        }
        return 0;
    }
    void poke(F f, std::uint64_t v) {
        v = fit(f, v);
        for (unsigned i = 0; i < used; ++i) {
            if (slots[i].field == f) {
                slots[i].value = v;
                return;
            }
        }
        if (used == capacity) violation("harness: VMCS table full");
        slots[used++] = slot{f, v};
    }

    // The accessor hvstep's VMX policies use.
    std::uint64_t read(F f) { return peek(f); }
    void write(F f, std::uint64_t v) {
        ++writes;
        bool ok = false;
        for (unsigned i = 0; i < allowed_count; ++i) ok = ok || allowed[i] == f;
        if (!ok) violation("wrote VMCS field 0x%04x, which this policy does not document", vmx::encoding_of(f));
        if (fit(f, v) != v) {
            violation("wrote 0x%llx into the narrower VMCS field 0x%04x", static_cast<ull>(v), vmx::encoding_of(f));
        }
        poke(f, v);
    }
    std::uint64_t read_dr6() { return guest_dr6; }
    void write_dr6(std::uint64_t v) {
        ++writes;
        guest_dr6 = v;
    }
    void write_cr2(std::uint64_t v) {
        ++writes;
        guest_cr2 = v;
    }
};

// What each VMX policy documents writing: its controls, RFLAGS through set_guest_rflags(), the
// guest #DB it injects (entry information, and what native delivery changes besides DR6: DR7.GD,
// DEBUGCTL.BTF/LBR, a pending trap it consumes), and for the TF policy its entry plan and
// re-injections.
constexpr F mtf_fields[] = {F::primary_processor_controls,     F::vm_entry_interruption_info,
                            F::guest_pending_debug_exceptions, F::guest_rflags,
                            F::guest_dr7,                      F::guest_debugctl};
constexpr F vmx_tf_fields[] = {F::guest_rflags,
                               F::guest_debugctl,
                               F::guest_dr7,
                               F::guest_interruptibility_state,
                               F::guest_pending_debug_exceptions,
                               F::exception_bitmap,
                               F::vm_entry_interruption_info,
                               F::vm_entry_exception_error_code,
                               F::vm_entry_instruction_length};

bool vmx_passes_bs_check(const recording_vmcs& v) {
    const std::uint64_t intr = v.peek(F::guest_interruptibility_state);
    core::shadow_state shadow{};
    shadow.blocking_by_sti = (intr & 1U) != 0;
    shadow.blocking_by_mov_ss = (intr & 2U) != 0;
    shadow.halted = v.peek(F::guest_activity_state) == 1U;
    return core::passes_pending_bs_check(shadow, tf_of(v.peek(F::guest_rflags)),
                                         x86::debugctl::btf.is_set(v.peek(F::guest_debugctl)),
                                         vmx::pending_debug_exceptions::bs.is_set(
                                             v.peek(F::guest_pending_debug_exceptions)));
}

constexpr std::uint32_t vmx_db_injection =
    vmx::make_interruption_info(1, vmx::interruption_type::hardware_exception, false);

template <class Policy>
class vmx_driver {
    static constexpr bool is_mtf = std::is_same<Policy, vmx::mtf_stepper<recording_vmcs>>::value;

public:
    vmx_driver() {
        vmcs_.allowed = is_mtf ? mtf_fields : vmx_tf_fields;
        vmcs_.allowed_count = is_mtf ? sizeof(mtf_fields) / sizeof(F) : sizeof(vmx_tf_fields) / sizeof(F);
        vmcs_.poke(F::guest_rflags, x86::rflags::reset_value);
        vmcs_.poke(F::guest_rip, 0x1000);
        vmcs_.poke(F::guest_dr7, x86::dr7::init_value);
        vmcs_.poke(F::guest_debugctl, 0);
        vmcs_.poke(F::guest_interruptibility_state, 0);
        vmcs_.poke(F::guest_activity_state, 0);
        vmcs_.poke(F::guest_pending_debug_exceptions, 0);
        vmcs_.poke(F::exception_bitmap, 0);
        vmcs_.poke(F::primary_processor_controls, 0);
        vmcs_.poke(F::vm_entry_interruption_info, 0);
    }

    void run(byte_reader& in) {
        for (g_operation = 0; !in.empty() && g_operation < max_operations; ++g_operation) {
            operation(in);
            trace_state(policy_.state());
            model_.compare(policy_.state());
        }
    }

private:
    bool quiescent() const {
        const auto& s = policy_.state();
        return !s.is_armed() && !core::has(s, core::state_flag::tf_forced) &&
               !core::has(s, core::state_flag::trap_controls);
    }
    std::uint64_t guest_view_rflags() {
        if constexpr (is_mtf) {
            return vmcs_.peek(F::guest_rflags);
        } else {
            return policy_.guest_rflags(vmcs_);
        }
    }

    void operation(byte_reader& in) {
        switch (in.u8() % 11U) {
            case 0: return arm(in);
            case 1: {
                g_hook = "disarm";
                const unsigned client = in.u8() % 10U;
                note("client %u", client);
                policy_.disarm(client);
                model_.disarm(arming_model::bit(client));
                return;
            }
            case 2:
                g_hook = "disarm_all";
                policy_.disarm_all();
                model_.disarm(0xFF);
                return;
            case 3: {
                g_hook = "claim_breakpoints";
                const std::uint8_t slots = in.u8();
                const unsigned owner = in.u8() % 10U;
                note("slots 0x%02x owner %u", slots, owner);
                if constexpr (!is_mtf) {
                    policy_.claim_breakpoints(slots, owner);
                    model_.claim(slots, owner);
                }
                return;
            }
            case 4: return exit(in);
            case 5: return emulate(in);
            case 6: return write_rflags(in.u64());
            case 7: return entry(static_cast<core::next_instruction>(in.u8()));
            case 8: return guest_write(in.u8(), in.u64());
            case 9:
                g_hook = "inject";
                vmcs_.poke(F::vm_entry_interruption_info, in.u32());
                note("entry interruption info 0x%llx", static_cast<ull>(vmcs_.peek(F::vm_entry_interruption_info)));
                return;
            case 10: return configure(in);
            default: return;
        }
    }

    void arm(byte_reader& in) {
        g_hook = "arm";
        const unsigned client = in.u8() % 10U;
        const auto g = static_cast<core::granularity>(in.u8() % 3U);
        const auto p = static_cast<core::persistence>(in.u8() % 3U);
        const bool step_into = (in.u8() & 1U) != 0;
        note("client %u granularity %u persistence %u%s", client, static_cast<unsigned>(g), static_cast<unsigned>(p),
             is_mtf && step_into ? " step_into_events" : "");
        const auto expected = model_.arm(client, g, p, !is_mtf);
        core::arm_result got{};
        if constexpr (is_mtf) {
            got = step_into ? policy_.arm(client, g, p, core::step_into_events) : policy_.arm(client, g, p);
        } else {
            got = policy_.arm(client, g, p);
        }
        if (got != expected) {
            violation("I3: arm(%u, %u, %u) returned %s, the arming table says %s", client, static_cast<unsigned>(g),
                      static_cast<unsigned>(p), arm_result_name(got), arm_result_name(expected));
        }
    }

    // The processor's side of a VM exit: exit reason and information, and guest state as it left it.
    std::uint32_t processor_exit(byte_reader& in) {
        using vmx::interruption_type;
        std::uint32_t reason = 0;
        std::uint32_t info = 0;
        switch (in.u8() % 8U) {
            case 0: info = vmx_db_injection; break;
            case 1: info = vmx::make_interruption_info(1, interruption_type::privileged_software_exception, false); break;
            case 2: {
                const auto v = static_cast<std::uint8_t>(in.u8() % 32U);
                const bool software = v == 3 || v == 4;
                info = vmx::make_interruption_info(
                    v, software ? interruption_type::software_exception : interruption_type::hardware_exception,
                    x86::has_error_code(static_cast<x86::vector>(v)));
                break;
            }
            case 3: {
                const std::uint8_t v = in.u8();
                info = (v & 1U) != 0 ? vmx::make_interruption_info(2, interruption_type::nmi, false)
                                     : vmx::make_interruption_info(v, interruption_type::external_interrupt, false);
                break;
            }
            case 4: reason = 37; break;
            case 5: {
                constexpr std::uint32_t reasons[] = {1, 7, 9, 10, 12, 18, 28, 29, 30, 31, 32, 48, 33, 52};
                reason = reasons[in.u8() % (sizeof(reasons) / sizeof(reasons[0]))];
                break;
            }
            case 6:
                reason = in.u32();
                info = in.u32();
                break;
            default: info = in.u32(); break;
        }
        vmcs_.poke(F::vm_exit_interruption_info, info);
        vmcs_.poke(F::exit_qualification, in.u32());
        vmcs_.poke(F::vm_exit_instruction_length, in.u8());
        vmcs_.poke(F::vm_exit_interruption_error_code, in.u16());
        vmcs_.poke(F::idt_vectoring_info, 0);
        const std::uint8_t mask = in.u8();
        if (mask & 0x01U) vmcs_.poke(F::guest_rflags, in.u64());
        if (mask & 0x02U) vmcs_.poke(F::guest_interruptibility_state, in.u32());
        if (mask & 0x04U) vmcs_.poke(F::guest_activity_state, in.u32());
        if (mask & 0x08U) vmcs_.poke(F::guest_pending_debug_exceptions, in.u64());
        if (mask & 0x10U) vmcs_.poke(F::guest_dr7, in.u64());
        if (mask & 0x20U) vmcs_.poke(F::guest_debugctl, in.u64());
        if (mask & 0x40U) vmcs_.poke(F::idt_vectoring_info, in.u32());
        if (mask & 0x80U) vmcs_.poke(F::guest_rip, in.u64());
        // Every VM exit clears the valid bit of the VM-entry interruption information (SDM Vol. 3C
        // §25.8.3 "VM-Entry Controls for Event Injection").
        vmcs_.poke(F::vm_entry_interruption_info,
                   vmx::interruption_info::valid.without(vmcs_.peek(F::vm_entry_interruption_info)));
        vmcs_.poke(F::exit_reason, reason);
        note("reason 0x%x info 0x%llx qualification 0x%llx length %llu error %llu | RFLAGS 0x%llx RIP 0x%llx "
             "interruptibility 0x%llx activity %llu pending 0x%llx DR7 0x%llx DEBUGCTL 0x%llx IDT-vectoring 0x%llx "
             "guest DR6 0x%llx",
             reason, static_cast<ull>(info), static_cast<ull>(vmcs_.peek(F::exit_qualification)),
             static_cast<ull>(vmcs_.peek(F::vm_exit_instruction_length)),
             static_cast<ull>(vmcs_.peek(F::vm_exit_interruption_error_code)),
             static_cast<ull>(vmcs_.peek(F::guest_rflags)), static_cast<ull>(vmcs_.peek(F::guest_rip)),
             static_cast<ull>(vmcs_.peek(F::guest_interruptibility_state)),
             static_cast<ull>(vmcs_.peek(F::guest_activity_state)),
             static_cast<ull>(vmcs_.peek(F::guest_pending_debug_exceptions)),
             static_cast<ull>(vmcs_.peek(F::guest_dr7)), static_cast<ull>(vmcs_.peek(F::guest_debugctl)),
             static_cast<ull>(vmcs_.peek(F::idt_vectoring_info)), static_cast<ull>(vmcs_.guest_dr6));
        return reason;
    }

    void exit(byte_reader& in) {
        const std::uint32_t reason = processor_exit(in);
        g_hook = "on_exit";
        const core::step_state s0 = policy_.state();
        const bool quiet = quiescent();
        const std::uint64_t dr6_before = vmcs_.guest_dr6;
        const std::uint64_t rflags_at_exit = vmcs_.peek(F::guest_rflags);
        const std::uint64_t entry_info_before = vmcs_.peek(F::vm_entry_interruption_info);
        vmcs_.writes = 0;

        const core::exit_result r = policy_.on_exit(vmcs_, reason);

        model_.reported(r.report);
        if (quiet && vmcs_.writes != 0) violation("I4: on_exit wrote %u field(s) with nothing armed", vmcs_.writes);
        if constexpr (is_mtf) {
            if (vmcs_.writes != 0) violation("on_exit of the MTF policy wrote %u field(s)", vmcs_.writes);
        }
        const bool hypervisors_tf = step_trap_is_hvsteps(s0, rflags_at_exit);
        if (hypervisors_tf && !bs_of_dr6(dr6_before) && bs_of_dr6(vmcs_.guest_dr6)) {
            violation("I5: hvstep's BS reached the guest DR6 (0x%llx -> 0x%llx) while the guest did not own TF",
                      static_cast<ull>(dr6_before), static_cast<ull>(vmcs_.guest_dr6));
        }
        const std::uint64_t entry_info = vmcs_.peek(F::vm_entry_interruption_info);
        const bool db_injected = entry_info != entry_info_before && entry_info == vmx_db_injection;
        if (vmcs_.guest_dr6 != dr6_before && !db_injected) {
            violation("the guest DR6 changed (0x%llx -> 0x%llx) without a #DB injection",
                      static_cast<ull>(dr6_before), static_cast<ull>(vmcs_.guest_dr6));
        }
        if (db_injected) check_delivery_side_effects(vmcs_.peek(F::guest_dr7), true, vmcs_.peek(F::guest_debugctl));
        if (db_injected && (reason & 0xFFFFU) == 0 && vmcs_.peek(F::vm_exit_interruption_info) == vmx_db_injection) {
            const std::uint64_t conditions = vmcs_.peek(F::exit_qualification) & vmx::debug_qualification::defined_bits;
            check_injected_class(conditions, vmcs_.peek(F::guest_dr7), dr6_before, vmcs_.guest_dr6);
        }
        if (r.fixup.clear_tf_at_stack_top &&
            (!core::has(s0, core::state_flag::tf_forced) || core::has(s0, core::state_flag::guest_tf))) {
            violation("PUSHF image repair asked for while the guest owned TF (or TF was not forced)");
        }
        if (r.fixup.set_r11_tf && r.fixup.r11_tf != core::has(s0, core::state_flag::guest_tf)) {
            violation("R11.TF repaired to %d, the guest owned %d", r.fixup.r11_tf,
                      core::has(s0, core::state_flag::guest_tf));
        }
    }

    void emulate(byte_reader& in) {
        if (in.u8() & 1U) vmcs_.poke(F::guest_rip, in.u64());
        g_hook = "after_emulation";
        note("RIP 0x%llx RFLAGS 0x%llx", static_cast<ull>(vmcs_.peek(F::guest_rip)),
             static_cast<ull>(vmcs_.peek(F::guest_rflags)));
        const bool quiet = quiescent();
        const bool guest_tf = emulation_.tf_at_start(tf_of(guest_view_rflags()));
        const std::uint64_t dr6_before = vmcs_.guest_dr6;
        // Breakpoint matches pending in the VMCS ride along in the #DB hvstep injects (injection
        // discards pending debug exceptions): they are part of the #DB being delivered.
        const std::uint64_t pending_hits =
            vmcs_.peek(F::guest_pending_debug_exceptions) & vmx::pending_debug_exceptions::breakpoints.mask;
        vmcs_.writes = 0;

        const core::emulation_result r = policy_.after_emulation(vmcs_);

        model_.reported(r.report);
        if (r.guest_db_injected != guest_tf) {
            violation("after_emulation injected the guest's #DB: %d, the guest owned TF: %d", r.guest_db_injected,
                      guest_tf);
        }
        if (quiet && !guest_tf && vmcs_.writes != 0) {
            violation("I4: after_emulation wrote %u field(s) with nothing armed and no guest TF", vmcs_.writes);
        }
        if (!guest_tf && !bs_of_dr6(dr6_before) && bs_of_dr6(vmcs_.guest_dr6)) {
            violation("I5: after_emulation put BS in the guest DR6 (0x%llx -> 0x%llx) without the guest's TF",
                      static_cast<ull>(dr6_before), static_cast<ull>(vmcs_.guest_dr6));
        }
        if (r.guest_db_injected) {
            if (vmcs_.peek(F::vm_entry_interruption_info) != vmx_db_injection) {
                violation("after_emulation reported a #DB injection but the entry information is 0x%llx",
                          static_cast<ull>(vmcs_.peek(F::vm_entry_interruption_info)));
            }
            check_injected_class(bs_condition | pending_hits, vmcs_.peek(F::guest_dr7), dr6_before, vmcs_.guest_dr6);
            check_delivery_side_effects(vmcs_.peek(F::guest_dr7), true, vmcs_.peek(F::guest_debugctl));
        }
    }

    void write_rflags(std::uint64_t value) {
        g_hook = "set_guest_rflags";
        note("0x%llx", static_cast<ull>(value));
        emulation_.written(tf_of(guest_view_rflags()));
        const bool forced = core::has(policy_.state(), core::state_flag::tf_forced);
        policy_.set_guest_rflags(vmcs_, value);
        const std::uint64_t expect = forced ? (value | tf_bit) : value;
        if (vmcs_.peek(F::guest_rflags) != expect || guest_view_rflags() != value) {
            violation("set_guest_rflags(0x%llx): register 0x%llx, guest view 0x%llx", static_cast<ull>(value),
                      static_cast<ull>(vmcs_.peek(F::guest_rflags)), static_cast<ull>(guest_view_rflags()));
        }
    }

    void entry(core::next_instruction next) {
        g_hook = "before_entry";
        note("next %u", static_cast<unsigned>(next));
        emulation_.end_of_exit();
        const bool quiet = quiescent();
        const bool passed = vmx_passes_bs_check(vmcs_);
        const std::uint64_t owned_tf = guest_view_rflags() & tf_bit;
        const bool injecting = vmx::interruption_valid(static_cast<std::uint32_t>(vmcs_.peek(F::vm_entry_interruption_info)));
        const std::uint64_t intr_before = vmcs_.peek(F::guest_interruptibility_state);
        const std::uint64_t pending_before = vmcs_.peek(F::guest_pending_debug_exceptions);
        const bool nothing_armed = model_.armed == 0;
        bool owned_btf = x86::debugctl::btf.is_set(vmcs_.peek(F::guest_debugctl));
        if constexpr (!is_mtf) owned_btf = x86::debugctl::btf.is_set(policy_.guest_debugctl(vmcs_));
        vmcs_.writes = 0;

        if constexpr (is_mtf) {
            (void)next;
            policy_.before_entry(vmcs_);
        } else {
            policy_.before_entry(vmcs_, next);
        }

        const std::uint64_t rflags = vmcs_.peek(F::guest_rflags);
        if (quiet && vmcs_.writes != 0) violation("I4: before_entry wrote %u field(s) with nothing armed", vmcs_.writes);
        if ((passed || (!is_mtf && !quiet)) && !vmx_passes_bs_check(vmcs_)) {
            violation("I2: the VMCS fails the VM-entry pending-BS check: interruptibility 0x%llx, activity %llu, "
                      "RFLAGS 0x%llx, DEBUGCTL 0x%llx, pending debug 0x%llx (it %s before the hook)",
                      static_cast<ull>(vmcs_.peek(F::guest_interruptibility_state)),
                      static_cast<ull>(vmcs_.peek(F::guest_activity_state)), static_cast<ull>(rflags),
                      static_cast<ull>(vmcs_.peek(F::guest_debugctl)),
                      static_cast<ull>(vmcs_.peek(F::guest_pending_debug_exceptions)), passed ? "passed" : "failed");
        }
        const std::uint64_t intr = vmcs_.peek(F::guest_interruptibility_state);
        if (intr != intr_before && intr != vmx::interruptibility::blocking_by_sti.without(intr_before)) {
            violation("before_entry changed interruptibility 0x%llx -> 0x%llx (only clearing STI blocking is documented)",
                      static_cast<ull>(intr_before), static_cast<ull>(intr));
        }
        if (((vmcs_.peek(F::guest_pending_debug_exceptions) ^ pending_before) & ~vmx::pending_debug_exceptions::bs.mask) !=
            0) {
            violation("before_entry changed pending-debug bits other than BS");
        }
        if (injecting && (rflags & tf_bit) != owned_tf) {
            violation("an entry injecting an event carries TF=%d, the guest owns %d", tf_of(rflags), owned_tf != 0);
        }
        if (nothing_armed) {
            if ((rflags & tf_bit) != owned_tf) {
                violation("I7: after disarm the entry leaves TF=%d, the guest owns %d", tf_of(rflags), owned_tf != 0);
            }
            if (x86::debugctl::btf.is_set(vmcs_.peek(F::guest_debugctl)) != owned_btf) {
                violation("I7: after disarm the entry leaves DEBUGCTL.BTF=%d, the guest owns %d",
                          !owned_btf, owned_btf);
            }
            if constexpr (is_mtf) {
                if (vmcs_.peek(F::primary_processor_controls) != hv_primary_controls_) {
                    violation("I7: after disarm the primary controls are 0x%llx, the hypervisor's were 0x%x",
                              static_cast<ull>(vmcs_.peek(F::primary_processor_controls)), hv_primary_controls_);
                }
            } else if (vmcs_.peek(F::exception_bitmap) != hv_exception_bitmap_) {
                violation("I7: after disarm the exception bitmap is 0x%llx, the hypervisor's was 0x%x",
                          static_cast<ull>(vmcs_.peek(F::exception_bitmap)), hv_exception_bitmap_);
            }
            if (!quiescent()) violation("I7: after disarm and an entry, hvstep still holds controls");
        }
    }

    void guest_write(std::uint8_t which, std::uint64_t value) {
        g_hook = "guest_write";
        note("%s 0x%llx", which % 6U == 0   ? "DR6"
                          : which % 6U == 1 ? "DR7"
                          : which % 6U == 2 ? "DEBUGCTL"
                          : which % 6U == 3 ? "interruptibility / interrupt shadow"
                          : which % 6U == 4 ? "activity"
                                            : "pending debug",
             static_cast<ull>(value));
        switch (which % 6U) {
            case 0: vmcs_.guest_dr6 = value; break;
            case 1: vmcs_.poke(F::guest_dr7, value); break;
            case 2:
                // The guest's WRMSR of IA32_DEBUGCTL goes through the TF policies while they own
                // BTF (docs/step-rules.md, "Requirements"); MTF never touches DEBUGCTL.
                if constexpr (is_mtf) {
                    vmcs_.poke(F::guest_debugctl, value);
                } else {
                    policy_.set_guest_debugctl(vmcs_, value);
                }
                break;
            case 3: vmcs_.poke(F::guest_interruptibility_state, value); break;
            case 4: vmcs_.poke(F::guest_activity_state, value); break;
            default: vmcs_.poke(F::guest_pending_debug_exceptions, value); break;
        }
    }

    void configure(byte_reader& in) {
        g_hook = "configure";
        const std::uint32_t bitmap = in.u32();
        const std::uint32_t controls =
            static_cast<std::uint32_t>(vmx::primary_processor_controls::monitor_trap_flag.without(in.u32()));
        note("exception bitmap 0x%x primary controls 0x%x%s", bitmap, controls,
             core::has(policy_.state(), core::state_flag::trap_controls) ? " (ignored: hvstep's controls are on)" : "");
        if (core::has(policy_.state(), core::state_flag::trap_controls)) return;
        hv_exception_bitmap_ = bitmap;
        hv_primary_controls_ = controls;
        vmcs_.poke(F::exception_bitmap, bitmap);
        vmcs_.poke(F::primary_processor_controls, controls);
    }

    Policy policy_{};
    recording_vmcs vmcs_{};
    arming_model model_{};
    emulation_model emulation_{};
    std::uint32_t hv_exception_bitmap_ = 0;
    std::uint32_t hv_primary_controls_ = 0;
};

// ------------------------------------------------------------------------------ SVM ----

class svm_driver {
public:
    svm_driver() : layout_(new svm::vmcb_layout{}), view_(*layout_) {
        layout_->save.rflags = x86::rflags::reset_value;
        layout_->save.rip = 0x1000;
        layout_->save.dr6 = x86::dr6::init_value;
        layout_->save.dr7 = x86::dr7::init_value;
        guest_dr6_ = layout_->save.dr6;
    }
    ~svm_driver() { delete layout_; }
    svm_driver(const svm_driver&) = delete;
    svm_driver& operator=(const svm_driver&) = delete;

    void run(byte_reader& in) {
        for (g_operation = 0; !in.empty() && g_operation < max_operations; ++g_operation) {
            operation(in);
            trace_state(policy_.state());
            model_.compare(policy_.state());
        }
    }

private:
    using policy_type = svm::tf_stepper<svm::vmcb_page>;

    bool quiescent() const {
        const auto& s = policy_.state();
        return !s.is_armed() && !core::has(s, core::state_flag::tf_forced) &&
               !core::has(s, core::state_flag::trap_controls) && !core::has(s, core::state_flag::dr6_parked);
    }

    void operation(byte_reader& in) {
        switch (in.u8() % 11U) {
            case 0: {
                g_hook = "arm";
                const unsigned client = in.u8() % 10U;
                const auto g = static_cast<core::granularity>(in.u8() % 3U);
                const auto p = static_cast<core::persistence>(in.u8() % 3U);
                (void)in.u8();
                note("client %u granularity %u persistence %u", client, static_cast<unsigned>(g),
                     static_cast<unsigned>(p));
                const auto expected = model_.arm(client, g, p, true);
                const auto got = policy_.arm(client, g, p);
                if (got != expected) {
                    violation("I3: arm(%u) returned %s, the arming table says %s", client, arm_result_name(got),
                              arm_result_name(expected));
                }
                return;
            }
            case 1: {
                g_hook = "disarm";
                const unsigned client = in.u8() % 10U;
                note("client %u", client);
                policy_.disarm(client);
                model_.disarm(arming_model::bit(client));
                return;
            }
            case 2:
                g_hook = "disarm_all";
                policy_.disarm_all();
                model_.disarm(0xFF);
                return;
            case 3: {
                g_hook = "claim_breakpoints";
                const std::uint8_t slots = in.u8();
                const unsigned owner = in.u8() % 10U;
                note("slots 0x%02x owner %u", slots, owner);
                policy_.claim_breakpoints(slots, owner);
                model_.claim(slots, owner);
                return;
            }
            case 4: return exit(in);
            case 5: return emulate(in);
            case 6: return write_rflags(in.u64());
            case 7: return entry(static_cast<core::next_instruction>(in.u8()));
            case 8: return guest_write(in.u8(), in.u64());
            case 9:
                g_hook = "inject";
                layout_->control.event_injection = in.u64();
                note("EVENTINJ 0x%llx", static_cast<ull>(layout_->control.event_injection));
                return;
            case 10: return configure(in);
            default: return;
        }
    }

    // What a hook may change in the VMCB, and the clean bit each change must clear (APM Vol. 2
    // §15.15: RFLAGS, RIP and EVENTINJ are never cached).
    void check_vmcb_changes(const svm::vmcb_layout& before) const {
        svm::vmcb_layout expect = before;
        const auto& c = layout_->control;
        const auto& s = layout_->save;
        expect.save.rflags = s.rflags;
        expect.save.rip = s.rip;
        expect.save.dr6 = s.dr6;
        expect.save.dr7 = s.dr7;
        expect.save.cr2 = s.cr2;
        expect.save.dbgctl = s.dbgctl;
        expect.control.lbr_virtualization_enable = c.lbr_virtualization_enable;
        expect.control.event_injection = c.event_injection;
        expect.control.intercept_exceptions = c.intercept_exceptions;
        expect.control.intercept_misc2 = c.intercept_misc2;
        expect.control.intercept_dr = c.intercept_dr;
        expect.control.vmcb_clean = c.vmcb_clean;
        const auto* a = reinterpret_cast<const unsigned char*>(&expect);
        const auto* b = reinterpret_cast<const unsigned char*>(layout_);
        for (std::size_t i = 0; i < sizeof(svm::vmcb_layout); ++i) {
            if (a[i] != b[i]) violation("wrote VMCB offset 0x%zx, which the SVM policy does not document", i);
        }
        const auto dirty = [&](std::uint32_t bit) { return (c.vmcb_clean & bit) == 0; };
        const auto needs = [&](bool changed, std::uint32_t bit, const char* what) {
            if (changed && !dirty(bit)) violation("changed %s without clearing its VMCB clean bit", what);
        };
        needs(s.dr6 != before.save.dr6 || s.dr7 != before.save.dr7, svm::mask32(svm::clean::drx), "DR6 / DR7");
        needs(s.cr2 != before.save.cr2, svm::mask32(svm::clean::cr2), "CR2");
        needs(s.dbgctl != before.save.dbgctl ||
                  c.lbr_virtualization_enable != before.control.lbr_virtualization_enable,
              svm::mask32(svm::clean::lbr), "DBGCTL / LBR virtualization");
        needs(c.intercept_exceptions != before.control.intercept_exceptions ||
                  c.intercept_misc2 != before.control.intercept_misc2 || c.intercept_dr != before.control.intercept_dr,
              svm::mask32(svm::clean::intercepts), "an intercept word");
    }

    bool unchanged_since(const svm::vmcb_layout& before) const {
        return std::memcmp(&before, layout_, sizeof(svm::vmcb_layout)) == 0;
    }

    bool db_injected_since(const svm::vmcb_layout& before) const {
        const std::uint64_t e = layout_->control.event_injection;
        return e != before.control.event_injection && svm::event_valid(e) && svm::event_vector(e) == 1 &&
               svm::event_type_of(e) == svm::event_type::exception;
    }

    void processor_exit(byte_reader& in) {
        std::uint64_t code = 0;
        switch (in.u8() % 8U) {
            case 0:
            case 6: code = svm::raw(svm::exit_code::excp_db); break;
            case 1: code = svm::raw(svm::exit_code::icebp); break;
            case 2: code = svm::raw(svm::exception_exit(static_cast<std::uint8_t>(in.u8() % 32U))); break;
            case 3: code = (in.u8() & 1U) != 0 ? svm::raw(svm::exit_code::dr6_write) : svm::raw(svm::exit_code::dr6_read); break;
            case 4: code = 0x60U + (in.u8() % 0x40U); break;
            case 5: code = in.u64(); break;
            default: code = ~std::uint64_t{0}; break;
        }
        auto& c = layout_->control;
        auto& s = layout_->save;
        c.exit_code = code;
        c.exit_int_info = 0;
        // The guest ran with the DR6 it was entered with; the processor records the #DB cause in it.
        s.dr6 = x86::dr6::init_value ^ in.u32();
        const std::uint8_t mask = in.u8();
        if (mask & 0x01U) s.rflags = in.u64();
        if (mask & 0x02U) s.dr7 = in.u64();
        if (mask & 0x04U) c.exit_int_info = in.u64();
        if (mask & 0x08U) s.rip = in.u64();
        if (mask & 0x10U) c.next_rip = in.u64();
        if (mask & 0x20U) c.exit_info1 = in.u64();
        if (mask & 0x40U) c.exit_info2 = in.u64();
        if (mask & 0x80U) s.dbgctl = in.u64();
        // An injected event was delivered (or is reported in EXITINTINFO): EVENTINJ is consumed.
        c.event_injection = svm::eventinj::valid.without(c.event_injection);
        // Everything is clean until someone writes: any bit hvstep clears is then visible.
        c.vmcb_clean = ~std::uint32_t{0};
        note("code 0x%llx DR6 0x%llx RFLAGS 0x%llx RIP 0x%llx nRIP 0x%llx DR7 0x%llx EXITINTINFO 0x%llx "
             "EXITINFO1 0x%llx EXITINFO2 0x%llx DBGCTL 0x%llx",
             static_cast<ull>(code), static_cast<ull>(s.dr6), static_cast<ull>(s.rflags), static_cast<ull>(s.rip),
             static_cast<ull>(c.next_rip), static_cast<ull>(s.dr7), static_cast<ull>(c.exit_int_info),
             static_cast<ull>(c.exit_info1), static_cast<ull>(c.exit_info2), static_cast<ull>(s.dbgctl));
    }

    void exit(byte_reader& in) {
        const core::step_state s0 = policy_.state();
        const bool parked = core::has(s0, core::state_flag::dr6_parked);
        processor_exit(in);
        g_hook = "on_exit";
        // Not parked: the guest ran with its own DR6, which now holds whatever the processor wrote.
        if (!parked) guest_dr6_ = layout_->save.dr6;
        const std::uint64_t guest_dr6_before = guest_dr6_;
        const std::uint64_t exit_dr6 = layout_->save.dr6;
        const std::uint64_t rflags_at_exit = layout_->save.rflags;
        const bool quiet = quiescent();
        const svm::vmcb_layout before = *layout_;

        const core::exit_result r = policy_.on_exit(view_);

        model_.reported(r.report);
        check_vmcb_changes(before);
        if (quiet && !unchanged_since(before)) violation("I4: on_exit changed the VMCB with nothing armed");
        if (core::has(policy_.state(), core::state_flag::dr6_parked)) {
            violation("after on_exit VMCB.DR6 is still parked (it must be the guest's)");
        }
        const std::uint64_t dr6 = layout_->save.dr6;
        // BUG: a stale trap of hvstep's TF (armed, entered, disarmed before the exit) behind a #DB
        // intercept the hypervisor has too is handed to the hypervisor with hvstep's BS merged
        // into the guest's DR6 (docs/reliability.md F3).
        const bool stale_trap_to_hypervisor = !g_strict && s0.armed == 0 && r.hypervisor_handles &&
                                              core::has_more(s0, core::more_flag::hypervisor_db_intercept);
        if (step_trap_is_hvsteps(s0, rflags_at_exit) && !stale_trap_to_hypervisor && !bs_of_dr6(guest_dr6_before) &&
            bs_of_dr6(dr6)) {
            violation("I5: hvstep's BS reached the guest DR6 (0x%llx -> 0x%llx) while the guest did not own TF",
                      static_cast<ull>(guest_dr6_before), static_cast<ull>(dr6));
        }
        const bool injected = db_injected_since(before);
        const bool db_exit = layout_->control.exit_code == svm::raw(svm::exit_code::excp_db);
        if (injected) {
            // (An INT1 that hvstep delivers through EVENTINJ is not checked: whether native INT1
            // delivery clears DR7.GD and DEBUGCTL.BTF/LBR is open, docs/reliability.md.)
            if (layout_->control.exit_code != svm::raw(svm::exit_code::icebp)) {
                check_delivery_side_effects(layout_->save.dr7, view_.lbr_virtualization(), layout_->save.dbgctl);
            }
            if (db_exit && parked) {
                check_injected_class(x86::dr6::to_conditions(exit_dr6), layout_->save.dr7, guest_dr6_before, dr6);
            }
        } else if (parked && !(db_exit && r.hypervisor_handles) &&
                   (dr6 & 0xFFFF'FFFFU) != (guest_dr6_before & 0xFFFF'FFFFU)) {
            // (A #DB left to the hypervisor comes with the guest's DR6 plus its cause, as the
            // processor would have left it: I5 above is what constrains that DR6.)
            violation("the guest's DR6 came back as 0x%llx, it was 0x%llx, and no #DB was injected",
                      static_cast<ull>(dr6), static_cast<ull>(guest_dr6_before));
        }
        guest_dr6_ = dr6;
    }

    void emulate(byte_reader& in) {
        if (in.u8() & 1U) layout_->save.rip = in.u64();
        g_hook = "after_emulation";
        note("RIP 0x%llx RFLAGS 0x%llx", static_cast<ull>(layout_->save.rip), static_cast<ull>(layout_->save.rflags));
        const bool quiet = quiescent();
        const bool guest_tf = emulation_.tf_at_start(tf_of(policy_.guest_rflags(view_)));
        const std::uint64_t dr6_before = layout_->save.dr6;
        layout_->control.vmcb_clean = ~std::uint32_t{0};
        const svm::vmcb_layout before = *layout_;

        const core::emulation_result r = policy_.after_emulation(view_);

        model_.reported(r.report);
        check_vmcb_changes(before);
        if (r.guest_db_injected != guest_tf) {
            violation("after_emulation injected the guest's #DB: %d, the guest owned TF: %d", r.guest_db_injected,
                      guest_tf);
        }
        if (quiet && !guest_tf && !unchanged_since(before)) {
            violation("I4: after_emulation changed the VMCB with nothing armed and no guest TF");
        }
        const std::uint64_t dr6 = layout_->save.dr6;
        if (!guest_tf && !bs_of_dr6(dr6_before) && bs_of_dr6(dr6)) {
            violation("I5: after_emulation put BS in the guest DR6 (0x%llx -> 0x%llx) without the guest's TF",
                      static_cast<ull>(dr6_before), static_cast<ull>(dr6));
        }
        if (r.guest_db_injected) {
            const std::uint64_t e = layout_->control.event_injection;
            if (!svm::event_valid(e) || svm::event_vector(e) != 1 || svm::event_type_of(e) != svm::event_type::exception) {
                violation("after_emulation reported a #DB injection but EVENTINJ is 0x%llx",
                          static_cast<ull>(layout_->control.event_injection));
            }
            check_injected_class(bs_condition, layout_->save.dr7, dr6_before, dr6);
            check_delivery_side_effects(layout_->save.dr7, view_.lbr_virtualization(), layout_->save.dbgctl);
        }
        if (!core::has(policy_.state(), core::state_flag::dr6_parked)) guest_dr6_ = dr6;
    }

    void write_rflags(std::uint64_t value) {
        g_hook = "set_guest_rflags";
        note("0x%llx", static_cast<ull>(value));
        emulation_.written(tf_of(policy_.guest_rflags(view_)));
        const bool forced = core::has(policy_.state(), core::state_flag::tf_forced);
        policy_.set_guest_rflags(view_, value);
        const std::uint64_t expect = forced ? (value | tf_bit) : value;
        if (layout_->save.rflags != expect || policy_.guest_rflags(view_) != value) {
            violation("set_guest_rflags(0x%llx): register 0x%llx, guest view 0x%llx", static_cast<ull>(value),
                      static_cast<ull>(layout_->save.rflags), static_cast<ull>(policy_.guest_rflags(view_)));
        }
    }

    void entry(core::next_instruction next) {
        g_hook = "before_entry";
        note("next %u", static_cast<unsigned>(next));
        // BUG: svm::tf_stepper::before_entry is not idempotent: called again before the guest
        // ran (no on_exit in between) it parks the reset pattern as the guest's DR6, or, after a
        // disarm, leaves VMCB.DR6 parked with the DR6 intercepts gone (docs/reliability.md F2).
        if (!g_strict && core::has(policy_.state(), core::state_flag::dr6_parked)) return;
        emulation_.end_of_exit();
        const bool quiet = quiescent();
        const std::uint64_t owned_tf = policy_.guest_rflags(view_) & tf_bit;
        const bool injecting = svm::event_valid(layout_->control.event_injection);
        const bool nothing_armed = model_.armed == 0;
        const std::uint64_t dr6_before = layout_->save.dr6;
        const bool was_parked = core::has(policy_.state(), core::state_flag::dr6_parked);
        layout_->control.vmcb_clean = ~std::uint32_t{0};
        const svm::vmcb_layout before = *layout_;

        policy_.before_entry(view_, next);

        check_vmcb_changes(before);
        const std::uint64_t rflags = layout_->save.rflags;
        if (quiet && !unchanged_since(before)) violation("I4: before_entry changed the VMCB with nothing armed");
        if (injecting && (rflags & tf_bit) != owned_tf) {
            violation("an entry injecting an event carries TF=%d, the guest owns %d", tf_of(rflags), owned_tf != 0);
        }
        const auto& s = policy_.state();
        if (core::has(s, core::state_flag::dr6_parked)) {
            if (layout_->save.dr6 != x86::dr6::init_value) violation("parked VMCB.DR6 is not the reset pattern");
            if (!was_parked) guest_dr6_ = dr6_before;
        }
        if (nothing_armed) {
            const auto& c = layout_->control;
            if ((rflags & tf_bit) != owned_tf) {
                violation("I7: after disarm the entry leaves TF=%d, the guest owns %d", tf_of(rflags), owned_tf != 0);
            }
            // BUG: a hypervisor intercepting only one direction of MOV DR6 loses that intercept at
            // the disarm entry: hvstep remembers the pair as one flag (docs/reliability.md F5).
            std::uint32_t dr_compared = ~std::uint32_t{0};
            const std::uint32_t dr6_pair = svm::dr6_intercepts;
            if (!g_strict && (hv_dr_ & dr6_pair) != 0 && (hv_dr_ & dr6_pair) != dr6_pair) dr_compared = ~dr6_pair;
            if (c.intercept_exceptions != hv_exceptions_ || c.intercept_misc2 != hv_misc2_ ||
                (c.intercept_dr & dr_compared) != (hv_dr_ & dr_compared)) {
                violation("I7: after disarm the intercepts are exceptions 0x%x misc2 0x%x DR 0x%x, the hypervisor's "
                          "were 0x%x 0x%x 0x%x",
                          c.intercept_exceptions, c.intercept_misc2, c.intercept_dr, hv_exceptions_, hv_misc2_, hv_dr_);
            }
            // BUG: LBR virtualization that hvstep turned on for a branch step stays on after the
            // disarm entry when the real BTF is already 0 then (the guest or the processor cleared
            // it): switch_btf() runs only when BTF changes (docs/reliability.md F4).
            const bool lbr_left_on = !g_strict && core::has_more(policy_.state(), core::more_flag::lbr_virtualization_ours);
            if (!lbr_left_on &&
                svm::lbr_control::lbr_virtualization_enable.is_set(c.lbr_virtualization_enable) != hv_lbr_) {
                violation("I7: after disarm LBR virtualization is not the hypervisor's setting (%d)", hv_lbr_);
            }
            if (!quiescent()) violation("I7: after disarm and an entry, hvstep still holds controls");
        }
    }

    void guest_write(std::uint8_t which, std::uint64_t value) {
        g_hook = "guest_write";
        note("%s 0x%llx", which % 6U == 0   ? "DR6"
                          : which % 6U == 1 ? "DR7"
                          : which % 6U == 2 ? "DEBUGCTL"
                          : which % 6U == 3 ? "interruptibility / interrupt shadow"
                          : which % 6U == 4 ? "activity"
                                            : "pending debug",
             static_cast<ull>(value));
        auto& s = layout_->save;
        switch (which % 6U) {
            case 0:
                // MOV DR6 is intercepted while VMCB.DR6 is parked; the hypervisor performs it
                // between on_exit and before_entry, through the policy.
                if (!core::has(policy_.state(), core::state_flag::dr6_parked)) {
                    policy_.set_guest_dr6(view_, value);
                    guest_dr6_ = value;
                }
                break;
            case 1: s.dr7 = value; break;
            case 2: policy_.set_guest_debugctl(view_, value); break;
            case 3: layout_->control.interrupt_shadow = value & 1U; break;
            default: break;
        }
    }

    void configure(byte_reader& in) {
        g_hook = "configure";
        const std::uint32_t exceptions = in.u32();
        const std::uint32_t misc2 = in.u32();
        const std::uint32_t dr = in.u32();
        const bool lbr = (in.u8() & 1U) != 0;
        note("exceptions 0x%x misc2 0x%x DR 0x%x LBR %d%s", exceptions, misc2, dr, lbr,
             core::has(policy_.state(), core::state_flag::trap_controls) ? " (ignored: hvstep's controls are on)" : "");
        if (core::has(policy_.state(), core::state_flag::trap_controls) ||
            core::has_more(policy_.state(), core::more_flag::lbr_virtualization_ours)) {
            return;
        }
        hv_exceptions_ = exceptions;
        hv_misc2_ = misc2;
        hv_dr_ = dr;
        hv_lbr_ = lbr;
        auto& c = layout_->control;
        c.intercept_exceptions = exceptions;
        c.intercept_misc2 = misc2;
        c.intercept_dr = dr;
        c.lbr_virtualization_enable = svm::lbr_control::lbr_virtualization_enable.assign(c.lbr_virtualization_enable, lbr);
    }

    svm::vmcb_layout* layout_;
    svm::vmcb_page view_;
    policy_type policy_{};
    arming_model model_{};
    emulation_model emulation_{};
    std::uint64_t guest_dr6_ = 0;  // the guest's own DR6, whatever VMCB.DR6 holds
    std::uint32_t hv_exceptions_ = 0;
    std::uint32_t hv_misc2_ = 0;
    std::uint32_t hv_dr_ = 0;
    bool hv_lbr_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* strict = std::getenv("HVSTEP_FUZZ_STRICT");
    g_strict = strict != nullptr && std::strcmp(strict, "1") == 0;
    const char* trace = std::getenv("HVSTEP_FUZZ_TRACE");
    g_trace = trace != nullptr && std::strcmp(trace, "1") == 0;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    byte_reader in(data, size);
    switch (in.u8() % 3U) {
        case 0: {
            g_policy = "vmx::mtf_stepper";
            vmx_driver<vmx::mtf_stepper<recording_vmcs>> d;
            d.run(in);
            break;
        }
        case 1: {
            g_policy = "vmx::tf_stepper";
            vmx_driver<vmx::tf_stepper<recording_vmcs>> d;
            d.run(in);
            break;
        }
        default: {
            g_policy = "svm::tf_stepper<svm::vmcb_page>";
            svm_driver d;
            d.run(in);
            break;
        }
    }
    return 0;
}
