#pragma once
// Xen-style stepping: VMX with the monitor trap flag only (Xen has no single-step on SVM).
// Modelled from Xen's documented behaviour and its public source, written here from scratch:
// - Xen keeps a software copy of the primary processor-based controls and writes the whole word
//   whenever it changes a bit (so it never reads the field back).
// - arm (the vm_event single-step toggle) only sets a flag; the entry path sets MTF in the copy
//   and writes the controls on every entry while the flag is set, and holds event injection.
// - MTF exit: MTF is cleared in the copy and the controls written; the step is reported with the
//   guest RIP (which Xen's exit path has read).
// - An emulated instruction is not reported to the stepping client (the MTF exit comes after
//   the next real instruction); the guest's own TF is honoured by injecting #DB.
// - disarm only clears the flag: MTF was cleared at the last MTF exit.
// The guest's own TF trap pending at an MTF exit is left for the processor, like hvstep does.

#include <cstdint>

#include "common.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_bench {
namespace baseline {

template <class Vmcs>
class xen_style_mtf {
    using f = hvstep::vmx::vmcs_field;
    static constexpr std::uint64_t mtf = hvstep::vmx::primary_processor_controls::monitor_trap_flag.mask;

public:
    // `primary_controls`: the hypervisor's software copy of the controls, as Xen keeps it.
    explicit xen_style_mtf(std::uint64_t primary_controls) noexcept : exec_control_(primary_controls) {}

    void arm(Vmcs&) noexcept { single_step_ = true; }
    void disarm(Vmcs&) noexcept { single_step_ = false; }

    outcome on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        outcome o{};
        if (hvstep::vmx::basic_reason(reason) != hvstep::vmx::exit_reason::monitor_trap_flag) {
            o.hypervisor_handles = true;
            return o;
        }
        exec_control_ &= ~mtf;
        v.write(f::primary_processor_controls, exec_control_);
        if (single_step_) {
            o.stepped = true;
            o.rip = v.read(f::guest_rip);
        }
        return o;
    }

    // The guest's own TF after an emulated instruction: inject #DB(BS), DR6 updated.
    outcome after_emulation(Vmcs& v) noexcept {
        outcome o{};
        if (hvstep::x86::rflags::tf.is_set(v.read(f::guest_rflags))) {
            v.write_dr6(v.read_dr6() | hvstep::x86::dr6::bs.mask);
            v.write(f::vm_entry_interruption_info,
                    hvstep::vmx::make_interruption_info(static_cast<std::uint8_t>(hvstep::x86::vector::db),
                                                        hvstep::vmx::interruption_type::hardware_exception,
                                                        false));
        }
        return o;
    }

    void before_entry(Vmcs& v) noexcept {
        if (!single_step_) return;
        exec_control_ |= mtf;
        v.write(f::primary_processor_controls, exec_control_);
    }

private:
    std::uint64_t exec_control_;
    bool single_step_ = false;
};

}  // namespace baseline
}  // namespace hvstep_bench
