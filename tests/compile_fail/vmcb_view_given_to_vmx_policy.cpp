// expect: the accessor needs .*read\(hvstep::vmx::vmcs_field\)
// A VMCB view is not a VMCS accessor: a VMX policy must say so readably.
#include <hvstep/hvstep.hpp>

struct vmcs {
    std::uint64_t read(hvstep::vmx::vmcs_field) noexcept { return 0; }
    void write(hvstep::vmx::vmcs_field, std::uint64_t) noexcept {}
    std::uint64_t read_dr6() noexcept { return 0; }
    void write_dr6(std::uint64_t) noexcept {}
    void write_cr2(std::uint64_t) noexcept {}
};

int main() {
#ifdef HVSTEP_COMPILE_FAIL_CONTROL
    hvstep::vmx::mtf_stepper<vmcs> stepper;
#else
    hvstep::vmx::mtf_stepper<hvstep::svm::vmcb_page> stepper;
#endif
    return stepper.events_held() ? 1 : 0;
}
