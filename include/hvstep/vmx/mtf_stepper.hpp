#pragma once
// vmx::mtf_stepper<Vmcs>: single-stepping with the Monitor Trap Flag (primary
// processor-based control bit 27, SDM Vol. 3C §26.5.2). The preferred VMX
// policy: MTF never touches RFLAGS.TF, so nothing can leak, and it can step
// into event handlers. Use choose_mechanism() (vmx/mechanism.hpp) to see
// whether the processor allows it.
//
// Hooks, in the order a hypervisor calls them:
//   on_exit(vmcs, exit_reason)  every exit, first thing
//   after_emulation(vmcs)       after it emulated an instruction and advanced RIP
//   before_entry(vmcs)          last thing before VMRESUME
// arm()/disarm() at any time; the control follows at the next entry.

#include <cstdint>

#include "hvstep/core/client_arming.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/mtf_engine.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/core/tf_engine.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/step_io.hpp"
#include "hvstep/vmx/vmcs_accessor.hpp"
#include "hvstep/vmx/vmcs_field.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

template <class Vmcs>
class mtf_stepper : public core::client_arming<core::mechanism::monitor_trap_flag> {
    static_assert(check_vmcs_accessor<Vmcs>(), "see the static_asserts above for the missing member");
    using base = core::client_arming<core::mechanism::monitor_trap_flag>;

public:
    using accessor_type = Vmcs;
    using base::base;

    // MTF never touches RFLAGS, so the register is the guest's; write it here
    // when emulating, so the guest's TF at the start of the emulated
    // instruction is known to after_emulation().
    constexpr void set_guest_rflags(Vmcs& vmcs, std::uint64_t value) noexcept {
        step_io::write_guest_rflags(vmcs, state_, value);
    }

    constexpr core::exit_result on_exit(Vmcs& vmcs, std::uint32_t exit_reason_raw) noexcept {
        core::exit_result r{};
        const bool is_mtf = basic_reason(exit_reason_raw) == exit_reason::monitor_trap_flag;
        const std::uint64_t rip = is_mtf ? vmcs.read(vmcs_field::guest_rip) : 0;
        const auto d = core::decide_mtf_exit(state_, is_mtf, rip);
        state_ = d.state;
        r.report = d.report;
        r.hypervisor_handles = d.hypervisor_handles;
        return r;
    }

    constexpr core::emulation_result after_emulation(Vmcs& vmcs) noexcept {
        return step_io::complete_emulation(vmcs, state_);
    }

    constexpr void before_entry(Vmcs& vmcs) noexcept {
        state_ = core::end_of_exit(state_);
        if (!state_.is_armed() && !core::has(state_, core::state_flag::trap_controls)) return;
        const bool injecting = state_.is_armed() && step_io::entry_delivers_event(vmcs);
        const auto p = core::plan_mtf_entry(state_, injecting);
        state_ = p.state;
        if (p.changed) {
            const auto controls = vmcs.read(vmcs_field::primary_processor_controls);
            const bool was_on = primary_processor_controls::monitor_trap_flag.is_set(controls);
            if (p.mtf_control) state_ = core::record_hypervisor_mtf(state_, was_on);
            const bool value = p.mtf_control || core::mtf_control_after_disarm(state_);
            if (value != was_on) {
                vmcs.write(vmcs_field::primary_processor_controls,
                           primary_processor_controls::monitor_trap_flag.assign(controls, value));
            }
        }
    }

};

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
