// A VMX exit handler that single-steps its guest with hvstep, with MTF when
// the processor offers it. The hypervisor's own parts are declared, not
// defined: this file shows the integration and is compiled, not linked.
#include <cstdint>

#include <hvstep/hvstep.hpp>

namespace hv {
std::uint64_t vmread(std::uint32_t encoding) noexcept;
void vmwrite(std::uint32_t encoding, std::uint64_t value) noexcept;
std::uint64_t guest_dr6_saved() noexcept;  // the hypervisor switches DR6 and CR2 itself
void set_guest_dr6_saved(std::uint64_t) noexcept;
void set_guest_cr2_saved(std::uint64_t) noexcept;

// The accessor hvstep needs: VMREAD/VMWRITE by field, plus the guest's DR6 and CR2.
struct vmcs {
    std::uint64_t read(hvstep::vmx::vmcs_field f) noexcept { return vmread(hvstep::vmx::encoding_of(f)); }
    void write(hvstep::vmx::vmcs_field f, std::uint64_t v) noexcept { vmwrite(hvstep::vmx::encoding_of(f), v); }
    std::uint64_t read_dr6() noexcept { return guest_dr6_saved(); }
    void write_dr6(std::uint64_t v) noexcept { set_guest_dr6_saved(v); }
    void write_cr2(std::uint64_t v) noexcept { set_guest_cr2_saved(v); }
};

struct vcpu {
    vmcs fields;
    hvstep::vmx::mtf_stepper<vmcs> stepper;  // on hardware without MTF: hvstep::vmx::tf_stepper<vmcs>
    bool interrupt_pending;
};
void introspection_step_event(vcpu&, std::uint64_t rip, hvstep::core::step_cause) noexcept;
bool handle_exit_normally(vcpu&, std::uint32_t reason) noexcept;  // true when it emulated an instruction
void inject_pending_interrupt(vcpu&) noexcept;

// A libvmi-style single-step event: every instruction until disabled.
void enable_singlestep_events(vcpu& cpu) noexcept {
    cpu.stepper.arm(hvstep::core::clients::introspection);
}
void disable_singlestep_events(vcpu& cpu) noexcept { cpu.stepper.disarm(hvstep::core::clients::introspection); }

void on_vm_exit(vcpu& cpu) noexcept {
    const auto reason = static_cast<std::uint32_t>(cpu.fields.read(hvstep::vmx::vmcs_field::exit_reason));
    const hvstep::core::exit_result r = cpu.stepper.on_exit(cpu.fields, reason);

    if (r.report.clients.contains(hvstep::core::clients::introspection)) {
        introspection_step_event(cpu, r.report.rip, r.report.cause);
    }
    if (r.hypervisor_handles && handle_exit_normally(cpu, reason)) {
        // An emulated instruction raises no MTF exit: hvstep reports it (and
        // delivers the guest's own #DB when the guest's TF was set).
        const auto e = cpu.stepper.after_emulation(cpu.fields);
        if (e.report.any()) introspection_step_event(cpu, e.report.rip, e.report.cause);
    }
    // Interrupts wait while a step is armed, so the step lands where the guest was.
    if (cpu.interrupt_pending && !cpu.stepper.events_held()) inject_pending_interrupt(cpu);

    cpu.stepper.before_entry(cpu.fields);
}

// At start-up: which policy this processor can host.
hvstep::core::mechanism pick(std::uint64_t basic, std::uint64_t procbased, std::uint64_t true_procbased) noexcept {
    return hvstep::vmx::choose_mechanism(basic, procbased, true_procbased);
}

}  // namespace hv
