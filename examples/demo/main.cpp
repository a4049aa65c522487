// hvstep demo: the decisions hvstep makes for a few concrete exits, under each
// of its three policies, on a VMCS and a VMCB held in memory. No guest runs
// here: each exit is set up the way the manuals say hardware leaves it, and
// the demo prints what hvstep writes and reports. (A simulator that runs real
// guest code under all three policies is the next milestone: see README.)
#include <cstdint>
#include <cstdio>
#include <map>

#include <hvstep/hvstep.hpp>

namespace {
using hvstep::vmx::vmcs_field;
namespace core = hvstep::core;
namespace rflags = hvstep::x86::rflags;
constexpr std::uint64_t tf = rflags::tf.mask;
constexpr std::uint64_t flags0 = rflags::reserved_one.mask | rflags::if_.mask;

// A VMCS as a map; every write is printed.
struct printing_vmcs {
    std::map<vmcs_field, std::uint64_t> fields;
    std::uint64_t dr6 = hvstep::x86::dr6::init_value;
    std::uint64_t read(vmcs_field f) noexcept { return fields[f]; }
    void write(vmcs_field f, std::uint64_t v) noexcept {
        std::printf("      VMWRITE %04x <- %#llx\n", static_cast<unsigned>(hvstep::vmx::encoding_of(f)),
                    static_cast<unsigned long long>(v));
        fields[f] = v;
    }
    std::uint64_t read_dr6() noexcept { return dr6; }
    void write_dr6(std::uint64_t v) noexcept {
        std::printf("      guest DR6 <- %#llx\n", static_cast<unsigned long long>(v));
        dr6 = v;
    }
    void write_cr2(std::uint64_t) noexcept {}
};

const char* cause_name(core::step_cause c) {
    switch (c) {
        case core::step_cause::none: return "none";
        case core::step_cause::instruction: return "instruction";
        case core::step_cause::branch: return "branch";
        case core::step_cause::emulated_instruction: return "emulated instruction";
        case core::step_cause::event_delivery: return "event delivery";
        case core::step_cause::host_breakpoint: return "client breakpoint";
    }
    return "?";
}

void print_result(const core::exit_result& r) {
    if (r.report.any()) {
        std::printf("    -> step report to clients %#x at RIP %#llx (%s)\n", r.report.clients.bits,
                    static_cast<unsigned long long>(r.report.rip), cause_name(r.report.cause));
    } else {
        std::printf("    -> no step report\n");
    }
    std::printf("    -> %s\n", r.hypervisor_handles ? "exit goes on to the hypervisor's own handling"
                                                   : "hvstep handled the exit completely");
    if (r.fixup.clear_tf_at_stack_top) std::printf("    -> fix-up: clear TF in the PUSHF image at RSP\n");
    if (r.fixup.set_r11_tf) std::printf("    -> fix-up: R11.TF := %d\n", r.fixup.r11_tf ? 1 : 0);
}

template <class Stepper>
void vmx_db_exit(printing_vmcs& v, Stepper& s, std::uint64_t qualification, std::uint64_t rflags_after) {
    v.fields[vmcs_field::vm_exit_interruption_info] =
        hvstep::vmx::make_interruption_info(1, hvstep::vmx::interruption_type::hardware_exception, false);
    v.fields[vmcs_field::exit_qualification] = qualification;
    v.fields[vmcs_field::guest_rflags] = rflags_after;
    v.fields[vmcs_field::guest_rip] += 2;
    print_result(s.on_exit(v, 0));
}

void demo_vmx_tf() {
    std::printf("\n== vmx::tf_stepper (VMX without MTF: TF + #DB intercept) ==\n");
    printing_vmcs v;
    v.fields[vmcs_field::guest_rflags] = flags0;
    v.fields[vmcs_field::guest_rip] = 0x401000;
    hvstep::vmx::tf_stepper<printing_vmcs> s;
    std::printf("  debugger arms a step; before entry hvstep sets TF and intercepts exceptions:\n");
    s.arm(core::clients::debugger);
    s.before_entry(v, core::next_instruction::pushes_flags);
    std::printf("  exit: #DB with BS after a PUSHF (the guest's TF was 0):\n");
    vmx_db_exit(v, s, hvstep::vmx::debug_qualification::bs.mask, flags0 | tf);
    std::printf("  the guest now POPFs a value with TF=1 (decided from the value, not the opcode):\n");
    s.before_entry(v, core::next_instruction::loads_flags);
    vmx_db_exit(v, s, hvstep::vmx::debug_qualification::bs.mask, flags0 | tf);
    std::printf("  next instruction: the trap is both the debugger's and the guest's:\n");
    s.before_entry(v, core::next_instruction::ordinary);
    vmx_db_exit(v, s, hvstep::vmx::debug_qualification::bs.mask, flags0 | tf);
    std::printf("  debugger disarms; before entry the guest keeps the TF it owns (1):\n");
    v.fields[vmcs_field::vm_entry_interruption_info] = 0;
    s.disarm(core::clients::debugger);
    s.before_entry(v);
}

void demo_vmx_mtf() {
    std::printf("\n== vmx::mtf_stepper (Monitor Trap Flag) ==\n");
    printing_vmcs v;
    v.fields[vmcs_field::guest_rflags] = flags0 | tf;  // the guest steps itself too
    v.fields[vmcs_field::guest_rip] = 0x401000;
    hvstep::vmx::mtf_stepper<printing_vmcs> s;
    std::printf("  introspection engine arms; before entry hvstep sets MTF (control bit 27):\n");
    s.arm(core::clients::introspection);
    s.before_entry(v);
    std::printf("  exit 37 (MTF); the guest's own TF trap stays pending, untouched:\n");
    v.fields[vmcs_field::guest_pending_debug_exceptions] = hvstep::vmx::pending_debug_exceptions::bs.mask;
    print_result(s.on_exit(v, 37));
    std::printf("  exit 10 (CPUID), emulated by the hypervisor: hvstep reports the step and,\n"
                "  since the guest owns TF, delivers its #DB(BS):\n");
    const auto e = s.after_emulation(v);
    std::printf("    -> step report to clients %#x (%s), guest #DB injected: %s\n", e.report.clients.bits,
                cause_name(e.report.cause), e.guest_db_injected ? "yes" : "no");
}

void demo_svm_tf() {
    std::printf("\n== svm::tf_stepper (AMD SVM: TF + #DB intercept) ==\n");
    static hvstep::svm::vmcb_layout page{};
    hvstep::svm::vmcb_page vmcb{page};
    vmcb.set_rflags(flags0);
    vmcb.set_dr6(hvstep::x86::dr6::init_value | hvstep::x86::dr6::bd.mask);  // the guest's own DR6
    hvstep::svm::tf_stepper<hvstep::svm::vmcb_page> s;
    s.arm(core::clients::debugger);
    s.arm(core::clients::nmi_window, core::granularity::instruction, core::persistence::one_step);
    s.before_entry(vmcb, core::next_instruction::syscall);
    std::printf("  armed for a debugger and a one-step NMI-window client: RFLAGS %#llx, intercepts %#x,\n"
                "  VMCB.DR6 parked at %#llx while the guest runs\n",
                static_cast<unsigned long long>(vmcb.rflags()), vmcb.exception_intercepts(),
                static_cast<unsigned long long>(vmcb.dr6()));
    std::printf("  exit 0x41 (#DB) after SYSCALL (SFMASK cleared TF):\n");
    page.control.exit_code = 0x41;
    vmcb.set_dr6(hvstep::x86::dr6::init_value | hvstep::x86::dr6::bs.mask);
    vmcb.set_rflags(flags0);
    print_result(s.on_exit(vmcb));
    std::printf("    VMCB.DR6 is the guest's again: %#llx (no BS of hvstep's); clients still armed: %#x\n",
                static_cast<unsigned long long>(vmcb.dr6()), s.state().armed);
}

}  // namespace

int main() {
    std::printf("hvstep %s: single-step decisions for a few concrete exits\n", hvstep::version_string);
    demo_vmx_tf();
    demo_vmx_mtf();
    demo_svm_tf();
    std::printf("\nEvery decision above is a constexpr function of a %zu-byte step state; the rules and\n"
                "their manual citations are in include/hvstep/core/ and docs/step-rules.md.\n",
                sizeof(core::step_state));
    return 0;
}
