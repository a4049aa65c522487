// An SVM #VMEXIT handler that single-steps its guest with hvstep. The
// hypervisor's own parts (guest memory, GPRs, its debugger) are declared, not
// defined: this file shows the integration and is compiled, not linked.
#include <cstdint>

#include <hvstep/hvstep.hpp>

namespace hv {
struct vcpu {
    void* vmcb_page;                        // the page given to VMRUN
    std::uint64_t gpr[16];                  // RAX..R15 as saved by the VMRUN loop
    hvstep::svm::tf_stepper<hvstep::svm::vmcb_page> stepper;  // 16 bytes of step state
};
std::uint64_t read_guest_u16(vcpu&, std::uint64_t linear) noexcept;
void write_guest_u16(vcpu&, std::uint64_t linear, std::uint64_t value) noexcept;
unsigned fetch_guest_code(vcpu&, std::uint64_t rip, std::uint8_t (&bytes)[15]) noexcept;
void debugger_step_done(vcpu&, std::uint64_t rip) noexcept;
void handle_exit_normally(vcpu&, hvstep::svm::vmcb_page&) noexcept;  // CPUID, IOIO, ...
constexpr unsigned r11 = 11;

// Called by the debugger front end: one instruction, then report.
void debugger_single_step(vcpu& cpu) noexcept {
    cpu.stepper.arm(hvstep::core::clients::debugger, hvstep::core::granularity::instruction,
                    hvstep::core::persistence::one_step);
}

void on_vmexit(vcpu& cpu) noexcept {
    hvstep::svm::vmcb_page vmcb{cpu.vmcb_page};
    const hvstep::core::exit_result r = cpu.stepper.on_exit(vmcb);

    // Undo what the stepped instruction copied of hvstep's TF.
    if (r.fixup.clear_tf_at_stack_top) {
        const std::uint64_t rsp = vmcb.rsp();
        write_guest_u16(cpu, rsp, r.fixup.fixed_stack_image(read_guest_u16(cpu, rsp)));
    }
    cpu.gpr[r11] = r.fixup.fixed_r11(cpu.gpr[r11]);

    if (r.report.clients.contains(hvstep::core::clients::debugger)) debugger_step_done(cpu, r.report.rip);

    if (r.dr6.pending) {  // MOV DR6 while stepping: emulate on the guest's DR6 (needs DecodeAssists)
        if (r.dr6.write) cpu.stepper.set_guest_dr6(vmcb, cpu.gpr[r.dr6.gpr]);
        else cpu.gpr[r.dr6.gpr] = cpu.stepper.guest_dr6(vmcb);
        vmcb.set_rip(vmcb.next_rip());
        cpu.stepper.after_emulation(vmcb);
    } else if (r.hypervisor_handles) {
        handle_exit_normally(cpu, vmcb);  // it calls after_emulation() when it emulated one
    }

    // Tell hvstep what the next instruction does to TF, then enter.
    std::uint8_t bytes[15];
    const unsigned n = fetch_guest_code(cpu, vmcb.rip(), bytes);
    cpu.stepper.before_entry(vmcb, hvstep::core::classify_next(bytes, n, hvstep::x86::code_size::bits64));
}

}  // namespace hv
