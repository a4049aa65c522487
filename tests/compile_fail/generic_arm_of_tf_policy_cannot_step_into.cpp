// expect: cannot step into event handlers
// The event policy tag is checked per policy: vmx::tf_stepper accepts only
// hold_events_t, even through a generic wrapper.
#include <hvstep/hvstep.hpp>

struct vmcs {
    std::uint64_t read(hvstep::vmx::vmcs_field) noexcept { return 0; }
    void write(hvstep::vmx::vmcs_field, std::uint64_t) noexcept {}
    std::uint64_t read_dr6() noexcept { return 0; }
    void write_dr6(std::uint64_t) noexcept {}
    void write_cr2(std::uint64_t) noexcept {}
};

template <class Stepper, class Events>
void arm_generic(Stepper& s, Events events) {
    s.arm(1, hvstep::core::granularity::instruction, hvstep::core::persistence::continuous, events);
}

int main() {
    hvstep::vmx::mtf_stepper<vmcs> mtf;
    arm_generic(mtf, hvstep::core::step_into_events);  // fine: MTF can step into handlers
    hvstep::vmx::tf_stepper<vmcs> tf;
#ifdef HVSTEP_COMPILE_FAIL_CONTROL
    arm_generic(tf, hvstep::core::hold_events);
#else
    arm_generic(tf, hvstep::core::step_into_events);
#endif
    return 0;
}
