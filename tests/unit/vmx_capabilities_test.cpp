// VMX capability MSRs (SDM Appendix A): indices, allowed-0/allowed-1 halves,
// TRUE_ controls and the MTF availability decision.

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/capabilities.hpp"

namespace {

namespace vmx = hvstep::vmx;

constexpr std::uint64_t mtf_allowed1 = std::uint64_t{1} << (32 + 27);
constexpr std::uint64_t basic_with_true_controls = std::uint64_t{1} << 55;

constexpr bool check_capability_msr_indices_match_the_sdm() {
    namespace m = vmx::msr;
    return m::ia32_vmx_basic == 0x480 && m::ia32_vmx_pinbased_ctls == 0x481 && m::ia32_vmx_procbased_ctls == 0x482 &&
           m::ia32_vmx_exit_ctls == 0x483 && m::ia32_vmx_entry_ctls == 0x484 && m::ia32_vmx_misc == 0x485 &&
           m::ia32_vmx_cr0_fixed0 == 0x486 && m::ia32_vmx_cr0_fixed1 == 0x487 && m::ia32_vmx_cr4_fixed0 == 0x488 &&
           m::ia32_vmx_cr4_fixed1 == 0x489 && m::ia32_vmx_vmcs_enum == 0x48A &&
           m::ia32_vmx_procbased_ctls2 == 0x48B && m::ia32_vmx_ept_vpid_cap == 0x48C &&
           m::ia32_vmx_true_pinbased_ctls == 0x48D && m::ia32_vmx_true_procbased_ctls == 0x48E &&
           m::ia32_vmx_true_exit_ctls == 0x48F && m::ia32_vmx_true_entry_ctls == 0x490 && m::ia32_vmx_vmfunc == 0x491;
}
HVSTEP_DUAL_TEST(VmxCapabilities, CapabilityMsrIndicesMatchTheSdm, check_capability_msr_indices_match_the_sdm)

constexpr bool check_true_controls_flag_is_vmx_basic_bit_55() {
    return vmx::vmx_basic::true_controls.mask == basic_with_true_controls &&
           vmx::vmx_basic::vmcs_revision_id.mask == 0x7FFFFFFFU;
}
HVSTEP_DUAL_TEST(VmxCapabilities, TrueControlsFlagIsVmxBasicBit55, check_true_controls_flag_is_vmx_basic_bit_55)

constexpr bool check_allowed1_settings_are_bits_63_to_32() {
    return vmx::allowed1(mtf_allowed1, 27) && !vmx::allowed1(mtf_allowed1, 26) && !vmx::allowed1(mtf_allowed1, 28) &&
           // The low half says nothing about allowed 1-settings.
           !vmx::allowed1(std::uint64_t{1} << 27, 27);
}
HVSTEP_DUAL_TEST(VmxCapabilities, Allowed1SettingsAreBits63To32, check_allowed1_settings_are_bits_63_to_32)

constexpr bool check_a_set_allowed0_bit_means_the_control_must_be_1() {
    constexpr std::uint64_t must_be_one_bit_1 = 0x2U;
    return !vmx::allowed0(must_be_one_bit_1, 1) && vmx::allowed0(must_be_one_bit_1, 2) &&
           // The high half says nothing about allowed 0-settings.
           vmx::allowed0(std::uint64_t{1} << (32 + 1), 1);
}
HVSTEP_DUAL_TEST(VmxCapabilities, ASetAllowed0BitMeansTheControlMustBe1,
                 check_a_set_allowed0_bit_means_the_control_must_be_1)

constexpr bool check_bits_past_31_name_no_control() {
    constexpr std::uint64_t all_ones = ~std::uint64_t{0};
    return !vmx::allowed1(all_ones, 32) && !vmx::allowed1(all_ones, 63) && !vmx::allowed1(all_ones, 64) &&
           !vmx::allowed1(all_ones, ~0U) && !vmx::allowed0(0, 32) && !vmx::allowed0(0, 64) && !vmx::allowed0(0, ~0U);
}
HVSTEP_DUAL_TEST(VmxCapabilities, BitsPast31NameNoControl, check_bits_past_31_name_no_control)

constexpr bool check_adjust_controls_forces_required_and_drops_unsupported_bits() {
    // Pin-based capability: default1 bits 1, 2, 4 required; bits 0-6 may be 1.
    constexpr std::uint64_t pin_cap = 0x0000007F00000016ULL;
    return vmx::adjust_controls(pin_cap, 0) == 0x16U && vmx::adjust_controls(pin_cap, 0x9U) == 0x1FU &&
           vmx::adjust_controls(pin_cap, 0x80U) == 0x16U && vmx::controls_valid(pin_cap, 0x1FU) &&
           !vmx::controls_valid(pin_cap, 0x9U) && !vmx::controls_valid(pin_cap, 0x96U);
}
HVSTEP_DUAL_TEST(VmxCapabilities, AdjustControlsForcesRequiredAndDropsUnsupportedBits,
                 check_adjust_controls_forces_required_and_drops_unsupported_bits)

constexpr bool check_mtf_support_is_read_from_the_true_msr_when_bit_55_says_it_exists() {
    return vmx::monitor_trap_flag_supported(basic_with_true_controls, 0, mtf_allowed1) &&
           !vmx::monitor_trap_flag_supported(basic_with_true_controls, mtf_allowed1, 0);
}
HVSTEP_DUAL_TEST(VmxCapabilities, MtfSupportIsReadFromTheTrueMsrWhenBit55SaysItExists,
                 check_mtf_support_is_read_from_the_true_msr_when_bit_55_says_it_exists)

constexpr bool check_mtf_support_is_read_from_the_plain_msr_without_true_controls() {
    return vmx::monitor_trap_flag_supported(0, mtf_allowed1, 0) &&
           !vmx::monitor_trap_flag_supported(0, 0, mtf_allowed1) &&
           !vmx::monitor_trap_flag_supported(0, ~std::uint64_t{0} >> 32, 0);  // allowed-0 half only
}
HVSTEP_DUAL_TEST(VmxCapabilities, MtfSupportIsReadFromThePlainMsrWithoutTrueControls,
                 check_mtf_support_is_read_from_the_plain_msr_without_true_controls)

constexpr bool check_default1_classes_match_appendix_a() {
    return vmx::pin_based_default1 == 0x16U && vmx::primary_processor_default1 == 0x0401E172U &&
           vmx::vm_exit_default1 == 0x00036DFFU && vmx::vm_entry_default1 == 0x000011FFU &&
           // Neither stepping control is a default1 control, so TRUE_ MSRs cannot change its allowed-1 bit.
           (vmx::primary_processor_default1 & vmx::primary_processor_controls::monitor_trap_flag.mask) == 0 &&
           (vmx::vm_entry_default1 & vmx::vm_entry_controls::load_debug_controls.mask) != 0;
}
HVSTEP_DUAL_TEST(VmxCapabilities, Default1ClassesMatchAppendixA, check_default1_classes_match_appendix_a)

constexpr bool check_hlt_activity_support_is_misc_bit_6() {
    return vmx::hlt_activity_supported(0x40U) && !vmx::hlt_activity_supported(0x180U) &&
           vmx::vmx_misc::vmwrite_any_field.mask == (1U << 29);
}
HVSTEP_DUAL_TEST(VmxCapabilities, HltActivitySupportIsMiscBit6, check_hlt_activity_support_is_misc_bit_6)

}  // namespace
