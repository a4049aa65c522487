// expect: cannot step into event handlers
// SVM has no MTF: its TF policy must refuse step-into at compile time.
#include <hvstep/hvstep.hpp>

int main() {
    static hvstep::svm::vmcb_layout page{};
    hvstep::svm::tf_stepper<hvstep::svm::vmcb_page> stepper;
    (void)page;
#ifdef HVSTEP_COMPILE_FAIL_CONTROL
    stepper.arm(0);
#else
    stepper.arm(0, hvstep::core::granularity::instruction, hvstep::core::persistence::one_step,
                hvstep::core::step_into_events);
#endif
    return 0;
}
