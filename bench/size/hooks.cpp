// Code size of each instantiated hook: scripts/bench.sh compiles this file alone at -O2 with GCC
// and with clang and reads the symbol sizes (nm --size-sort -S). Never linked or run.
//
// Each hook is wrapped in a function of its own (hvstep_size::<policy>__<hook>), with the
// accessor a hypervisor would write:
// VMREAD/VMWRITE instructions for the VMX policies (the guest's DR6 and CR2 in memory), the
// ready svm::vmcb_page for SVM. Whatever the compiler does not inline into a wrapper shows up as
// a symbol of its own, attributed by the script to the hooks that call it.

#include <cstdint>

#include "hvstep/hvstep.hpp"

namespace hvstep_size {

struct vmcs_instructions {
    std::uint64_t guest_dr6;
    std::uint64_t guest_cr2;

    std::uint64_t read(hvstep::vmx::vmcs_field f) noexcept {
        std::uint64_t value;
        asm volatile("vmread %[field], %[value]"
                     : [value] "=r"(value)
                     : [field] "r"(static_cast<std::uint64_t>(hvstep::vmx::encoding_of(f)))
                     : "cc");
        return value;
    }
    void write(hvstep::vmx::vmcs_field f, std::uint64_t value) noexcept {
        asm volatile(
            "vmwrite %[value], %[field]"
            :
            : [field] "r"(static_cast<std::uint64_t>(hvstep::vmx::encoding_of(f))), [value] "r"(value)
            : "cc");
    }
    std::uint64_t read_dr6() noexcept { return guest_dr6; }
    void write_dr6(std::uint64_t value) noexcept { guest_dr6 = value; }
    void write_cr2(std::uint64_t value) noexcept { guest_cr2 = value; }
};

using vmx_mtf = hvstep::vmx::mtf_stepper<vmcs_instructions>;
using vmx_tf = hvstep::vmx::tf_stepper<vmcs_instructions>;
using svm_tf = hvstep::svm::tf_stepper<hvstep::svm::vmcb_page>;
using hvstep::core::emulation_result;
using hvstep::core::exit_result;
using hvstep::core::next_instruction;

// ---- vmx::mtf_stepper
exit_result vmx_mtf__on_exit(vmx_mtf& s, vmcs_instructions& v, std::uint32_t reason) noexcept {
    return s.on_exit(v, reason);
}
emulation_result vmx_mtf__after_emulation(vmx_mtf& s, vmcs_instructions& v) noexcept {
    return s.after_emulation(v);
}
void vmx_mtf__before_entry(vmx_mtf& s, vmcs_instructions& v) noexcept { s.before_entry(v); }
hvstep::core::arm_result vmx_mtf__arm(vmx_mtf& s, unsigned client) noexcept { return s.arm(client); }
void vmx_mtf__disarm(vmx_mtf& s, unsigned client) noexcept { s.disarm(client); }

// ---- vmx::tf_stepper
exit_result vmx_tf__on_exit(vmx_tf& s, vmcs_instructions& v, std::uint32_t reason) noexcept {
    return s.on_exit(v, reason);
}
emulation_result vmx_tf__after_emulation(vmx_tf& s, vmcs_instructions& v) noexcept {
    return s.after_emulation(v);
}
void vmx_tf__before_entry(vmx_tf& s, vmcs_instructions& v, next_instruction next) noexcept {
    s.before_entry(v, next);
}
hvstep::core::arm_result vmx_tf__arm(vmx_tf& s, unsigned client) noexcept { return s.arm(client); }
void vmx_tf__disarm(vmx_tf& s, unsigned client) noexcept { s.disarm(client); }

// ---- svm::tf_stepper over the VMCB page
exit_result svm_tf__on_exit(svm_tf& s, void* vmcb) noexcept {
    hvstep::svm::vmcb_page page{vmcb};
    return s.on_exit(page);
}
emulation_result svm_tf__after_emulation(svm_tf& s, void* vmcb) noexcept {
    hvstep::svm::vmcb_page page{vmcb};
    return s.after_emulation(page);
}
void svm_tf__before_entry(svm_tf& s, void* vmcb, next_instruction next) noexcept {
    hvstep::svm::vmcb_page page{vmcb};
    s.before_entry(page, next);
}
hvstep::core::arm_result svm_tf__arm(svm_tf& s, unsigned client) noexcept { return s.arm(client); }
void svm_tf__disarm(svm_tf& s, unsigned client) noexcept { s.disarm(client); }

}  // namespace hvstep_size
