#pragma once
// Included last by the generated freestanding translation unit (cmake/hvstepFreestanding.cmake),
// after every header under include/hvstep/ outside sim/.
//
// Headers on their own are templates and inline constants: they emit no code, so `nm -u` on an
// object built from them alone would prove nothing. This file instantiates every policy with
// an accessor over plain memory (a hypervisor's would wrap VMREAD/VMWRITE or point at its VMCB
// page) and wraps every hook in a function with external linkage, so the exit-path code a
// hypervisor links is exactly what is checked for undefined symbols (memcpy/memset the
// optimiser invents, __cxa_*, __stack_chk_fail, ...).
//
// Keep it free of hosted headers: it is compiled with -ffreestanding -nostdlib.

#include <cstdint>

#include "hvstep/hvstep.hpp"

namespace hvstep_freestanding {

// A VMCS in memory, indexed by the encoding's index and type bits: enough to
// make the compiler emit every access path.
struct vmcs_in_memory {
    std::uint64_t slots[4][512];
    std::uint64_t dr6;
    std::uint64_t cr2;

    std::uint64_t read(hvstep::vmx::vmcs_field f) noexcept {
        const auto e = hvstep::vmx::encoding_of(f);
        return slots[static_cast<unsigned>(hvstep::vmx::type_of(e))][hvstep::vmx::index_of(e)];
    }
    void write(hvstep::vmx::vmcs_field f, std::uint64_t v) noexcept {
        const auto e = hvstep::vmx::encoding_of(f);
        slots[static_cast<unsigned>(hvstep::vmx::type_of(e))][hvstep::vmx::index_of(e)] = v;
    }
    std::uint64_t read_dr6() noexcept { return dr6; }
    void write_dr6(std::uint64_t v) noexcept { dr6 = v; }
    void write_cr2(std::uint64_t v) noexcept { cr2 = v; }
};

using mtf = hvstep::vmx::mtf_stepper<vmcs_in_memory>;
using vmx_tf = hvstep::vmx::tf_stepper<vmcs_in_memory>;
using svm_tf = hvstep::svm::tf_stepper<hvstep::svm::vmcb_page>;

}  // namespace hvstep_freestanding

template class hvstep::vmx::mtf_stepper<hvstep_freestanding::vmcs_in_memory>;
template class hvstep::vmx::tf_stepper<hvstep_freestanding::vmcs_in_memory>;
template class hvstep::svm::tf_stepper<hvstep::svm::vmcb_page>;

namespace hvstep_freestanding {

hvstep::core::exit_result mtf_on_exit(mtf& s, vmcs_in_memory& v, std::uint32_t reason) noexcept {
    return s.on_exit(v, reason);
}
void mtf_before_entry(mtf& s, vmcs_in_memory& v) noexcept { s.before_entry(v); }
hvstep::core::emulation_result mtf_after_emulation(mtf& s, vmcs_in_memory& v) noexcept {
    return s.after_emulation(v);
}
hvstep::core::arm_result mtf_arm_step_into(mtf& s, unsigned client) noexcept {
    return s.arm(client, hvstep::core::granularity::instruction, hvstep::core::persistence::one_step,
                 hvstep::core::step_into_events);
}

hvstep::core::exit_result vmx_tf_on_exit(vmx_tf& s, vmcs_in_memory& v, std::uint32_t reason) noexcept {
    return s.on_exit(v, reason);
}
void vmx_tf_before_entry(vmx_tf& s, vmcs_in_memory& v, hvstep::core::next_instruction next) noexcept {
    s.before_entry(v, next);
}
hvstep::core::emulation_result vmx_tf_after_emulation(vmx_tf& s, vmcs_in_memory& v) noexcept {
    return s.after_emulation(v);
}

hvstep::core::exit_result svm_tf_on_exit(svm_tf& s, void* vmcb) noexcept {
    hvstep::svm::vmcb_page page{vmcb};
    return s.on_exit(page);
}
void svm_tf_before_entry(svm_tf& s, void* vmcb, const std::uint8_t* bytes, std::uint64_t available) noexcept {
    hvstep::svm::vmcb_page page{vmcb};
    s.before_entry(page, hvstep::core::classify_next(bytes, static_cast<std::size_t>(available),
                                                     hvstep::x86::code_size::bits64));
}
hvstep::core::emulation_result svm_tf_after_emulation(svm_tf& s, void* vmcb) noexcept {
    hvstep::svm::vmcb_page page{vmcb};
    return s.after_emulation(page);
}

hvstep::core::mechanism choose(std::uint64_t basic, std::uint64_t ctls, std::uint64_t true_ctls) noexcept {
    return hvstep::vmx::choose_mechanism(basic, ctls, true_ctls);
}

unsigned major_version() noexcept { return hvstep::version_major; }

}  // namespace hvstep_freestanding
