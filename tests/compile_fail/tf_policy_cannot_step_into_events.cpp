// expect: cannot step into event handlers
// A TF policy asked to step into an event handler must not compile: the
// delivery would push hvstep's TF into the guest's frame.
#include <hvstep/hvstep.hpp>

struct vmcs {
    std::uint64_t read(hvstep::vmx::vmcs_field) noexcept { return 0; }
    void write(hvstep::vmx::vmcs_field, std::uint64_t) noexcept {}
    std::uint64_t read_dr6() noexcept { return 0; }
    void write_dr6(std::uint64_t) noexcept {}
    void write_cr2(std::uint64_t) noexcept {}
};

int main() {
    hvstep::vmx::tf_stepper<vmcs> stepper;
#ifdef HVSTEP_COMPILE_FAIL_CONTROL
    stepper.arm(0, hvstep::core::granularity::instruction, hvstep::core::persistence::one_step,
                hvstep::core::hold_events);
#else
    stepper.arm(0, hvstep::core::granularity::instruction, hvstep::core::persistence::one_step,
                hvstep::core::step_into_events);
#endif
    return 0;
}
