#pragma once
// VMX capability reporting: which controls a processor lets VM entry accept.
// Intel SDM Vol. 3, Appendix A "VMX Capability Reporting Facility". hvstep
// never reads an MSR: the hypervisor passes the values it read with RDMSR.

#include <cstdint>

#include "hvstep/x86/bits.hpp"
#include "hvstep/vmx/controls.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

// MSR indices (Appendix A; SDM Vol. 4 "Model-Specific Registers", architectural MSRs).
namespace msr {
inline constexpr std::uint32_t ia32_vmx_basic = 0x480;                // A.1
inline constexpr std::uint32_t ia32_vmx_pinbased_ctls = 0x481;        // A.3.1
inline constexpr std::uint32_t ia32_vmx_procbased_ctls = 0x482;       // A.3.2
inline constexpr std::uint32_t ia32_vmx_exit_ctls = 0x483;            // A.4
inline constexpr std::uint32_t ia32_vmx_entry_ctls = 0x484;           // A.5
inline constexpr std::uint32_t ia32_vmx_misc = 0x485;                 // A.6
inline constexpr std::uint32_t ia32_vmx_cr0_fixed0 = 0x486;           // A.7
inline constexpr std::uint32_t ia32_vmx_cr0_fixed1 = 0x487;           // A.7
inline constexpr std::uint32_t ia32_vmx_cr4_fixed0 = 0x488;           // A.8
inline constexpr std::uint32_t ia32_vmx_cr4_fixed1 = 0x489;           // A.8
inline constexpr std::uint32_t ia32_vmx_vmcs_enum = 0x48A;            // A.9
inline constexpr std::uint32_t ia32_vmx_procbased_ctls2 = 0x48B;      // A.3.3
inline constexpr std::uint32_t ia32_vmx_ept_vpid_cap = 0x48C;         // A.10
inline constexpr std::uint32_t ia32_vmx_true_pinbased_ctls = 0x48D;   // A.3.1
inline constexpr std::uint32_t ia32_vmx_true_procbased_ctls = 0x48E;  // A.3.2
inline constexpr std::uint32_t ia32_vmx_true_exit_ctls = 0x48F;       // A.4
inline constexpr std::uint32_t ia32_vmx_true_entry_ctls = 0x490;      // A.5
inline constexpr std::uint32_t ia32_vmx_vmfunc = 0x491;               // A.11
}  // namespace msr

// IA32_VMX_BASIC (A.1 "Basic VMX Information").
namespace vmx_basic {
inline constexpr x86::field<0, 31> vmcs_revision_id{};
inline constexpr x86::field<32, 13> vmcs_region_size{};
// Bit 48: VMXON/VMCS/bitmap addresses are limited to 32 bits.
inline constexpr x86::field<48> physical_address_width_32{};
inline constexpr x86::field<49> dual_monitor_treatment{};
inline constexpr x86::field<50, 4> vmcs_memory_type{};
// Bit 54: INS/OUTS exits report instruction information.
inline constexpr x86::field<54> ins_outs_reporting{};
// Bit 55: the IA32_VMX_TRUE_*_CTLS MSRs exist and report which default1
// controls may actually be 0 (A.2 "Reserved Controls and Default Settings").
inline constexpr x86::field<55> true_controls{};
// Bit 56: VM entry may inject a hardware exception with or without an error
// code, whatever its vector (relaxes the check in §27.2.1.3).
inline constexpr x86::field<56> any_exception_error_code{};
}  // namespace vmx_basic

// IA32_VMX_MISC (A.6 "Miscellaneous Data").
namespace vmx_misc {
// Bits 4:0: the VMX-preemption timer counts down every 2^N TSC ticks.
inline constexpr x86::field<0, 5> preemption_timer_tsc_shift{};
// Bit 5: VM exits store EFER.LMA into the "IA-32e mode guest" entry control.
inline constexpr x86::field<5> stores_efer_lma{};
// Bits 8:6: activity states HLT, shutdown and wait-for-SIPI are supported.
inline constexpr x86::field<6> activity_hlt{};
inline constexpr x86::field<7> activity_shutdown{};
inline constexpr x86::field<8> activity_wait_for_sipi{};
inline constexpr x86::field<16, 9> cr3_target_count{};
// Bit 29: VMWRITE may write any field, including exit-information fields.
inline constexpr x86::field<29> vmwrite_any_field{};
// Bit 30: software interrupts/exceptions may be injected with instruction length 0.
inline constexpr x86::field<30> zero_length_injection{};
}  // namespace vmx_misc

// The default1 controls: reserved bits that must be 1 unless the TRUE_ MSR
// says otherwise (A.2, A.3.1, A.3.2, A.4, A.5).
inline constexpr std::uint32_t pin_based_default1 = 0x00000016;
inline constexpr std::uint32_t primary_processor_default1 = 0x0401E172;
inline constexpr std::uint32_t vm_exit_default1 = 0x00036DFF;
inline constexpr std::uint32_t vm_entry_default1 = 0x000011FF;

// A VMX control capability MSR holds two 32-bit halves (A.3.1): bits 31:0 are
// the allowed 0-settings (bit X = 1: control X must be 1) and bits 63:32 the
// allowed 1-settings (bit 32+X = 1: control X may be 1). `bit` is the control's
// bit number, 0-31; anything else names no control and yields false.
inline constexpr x86::field<0, 32> allowed0_settings{};
inline constexpr x86::field<32, 32> allowed1_settings{};

// Whether control `bit` may be 0.
constexpr bool allowed0(std::uint64_t capability_msr, unsigned bit) noexcept {
    return bit < 32 && ((allowed0_settings.get(capability_msr) >> bit) & 1U) == 0;
}

// Whether control `bit` may be 1.
constexpr bool allowed1(std::uint64_t capability_msr, unsigned bit) noexcept {
    return bit < 32 && ((allowed1_settings.get(capability_msr) >> bit) & 1U) != 0;
}

// `desired` with every must-be-1 control set and every must-be-0 control cleared.
constexpr std::uint32_t adjust_controls(std::uint64_t capability_msr, std::uint32_t desired) noexcept {
    const auto must_be_one = allowed0_settings.get(capability_msr);
    const auto may_be_one = allowed1_settings.get(capability_msr);
    return static_cast<std::uint32_t>((desired | must_be_one) & may_be_one);
}

// Whether VM entry accepts `controls` as they are.
constexpr bool controls_valid(std::uint64_t capability_msr, std::uint32_t controls) noexcept {
    return adjust_controls(capability_msr, controls) == controls;
}

// The capability MSR that governs primary processor-based controls: the TRUE_
// one when IA32_VMX_BASIC bit 55 reports it exists (A.3.2).
constexpr std::uint64_t effective_procbased_capability(std::uint64_t vmx_basic_msr, std::uint64_t procbased_ctls,
                                                       std::uint64_t true_procbased_ctls) noexcept {
    return vmx_basic::true_controls.is_set(vmx_basic_msr) ? true_procbased_ctls : procbased_ctls;
}

// Whether the monitor-trap-flag control (bit 27) may be set (A.3.2). Where it
// may not, hvstep steps VMX guests with TF and a #DB intercept instead.
constexpr bool monitor_trap_flag_supported(std::uint64_t vmx_basic_msr, std::uint64_t procbased_ctls,
                                           std::uint64_t true_procbased_ctls) noexcept {
    return allowed1(effective_procbased_capability(vmx_basic_msr, procbased_ctls, true_procbased_ctls),
                    primary_processor_controls::monitor_trap_flag.position);
}

// Whether the HLT activity state may be loaded by VM entry (A.6).
constexpr bool hlt_activity_supported(std::uint64_t vmx_misc_msr) noexcept {
    return vmx_misc::activity_hlt.is_set(vmx_misc_msr);
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
