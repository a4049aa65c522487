#pragma once
// Which VMX policy a processor can host, from capability MSR values the
// hypervisor read itself (hvstep never executes RDMSR): vmx::mtf_stepper when
// the monitor-trap-flag control may be 1, vmx::tf_stepper otherwise, as
// VirtualBox falls back. SDM Vol. 3D Appendix A.3.2 "Primary Processor-Based
// VM-Execution Controls": bit 27 is allowed to be 1 when bit 59 (27 + 32) of
// IA32_VMX_PROCBASED_CTLS — or of IA32_VMX_TRUE_PROCBASED_CTLS when
// IA32_VMX_BASIC bit 55 says it exists — is 1.

#include <cstdint>

#include "hvstep/core/db_disposition.hpp"
#include "hvstep/vmx/capabilities.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

constexpr core::mechanism choose_mechanism(std::uint64_t vmx_basic_msr, std::uint64_t procbased_ctls_msr,
                                           std::uint64_t true_procbased_ctls_msr) noexcept {
    return monitor_trap_flag_supported(vmx_basic_msr, procbased_ctls_msr, true_procbased_ctls_msr)
               ? core::mechanism::monitor_trap_flag
               : core::mechanism::trap_flag;
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
