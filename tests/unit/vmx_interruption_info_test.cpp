// Interruption-information fields (SDM §25.8.3, §25.9.2, §25.9.3), the
// builder, the decoders and pending-MTF injection (§27.6.2).

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/interruption_info.hpp"

namespace {

namespace vmx = hvstep::vmx;
using vmx::interruption_type;

constexpr bool check_interruption_info_fields_sit_where_the_sdm_puts_them() {
    namespace f = vmx::interruption_info;
    return f::vector.mask == 0xFFU && f::type.mask == 0x700U && f::error_code_valid.mask == 0x800U &&
           f::deliver_error_code.mask == 0x800U && f::nmi_unblocking_due_to_iret.mask == 0x1000U &&
           f::valid.mask == 0x80000000U;
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, FieldsSitWhereTheSdmPutsThem,
                 check_interruption_info_fields_sit_where_the_sdm_puts_them)

constexpr bool check_interruption_types_have_their_sdm_values() {
    return static_cast<int>(interruption_type::external_interrupt) == 0 &&
           static_cast<int>(interruption_type::nmi) == 2 &&
           static_cast<int>(interruption_type::hardware_exception) == 3 &&
           static_cast<int>(interruption_type::software_interrupt) == 4 &&
           static_cast<int>(interruption_type::privileged_software_exception) == 5 &&
           static_cast<int>(interruption_type::software_exception) == 6 &&
           static_cast<int>(interruption_type::other_event) == 7;
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, InterruptionTypesHaveTheirSdmValues,
                 check_interruption_types_have_their_sdm_values)

constexpr bool check_a_reinjected_debug_trap_is_a_hardware_exception_without_error_code() {
    return vmx::make_interruption_info(1, interruption_type::hardware_exception, false) == 0x80000301U;
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, AReinjectedDebugTrapIsAHardwareExceptionWithoutErrorCode,
                 check_a_reinjected_debug_trap_is_a_hardware_exception_without_error_code)

constexpr bool check_builder_sets_valid_type_vector_and_error_code_bit() {
    return vmx::make_interruption_info(13, interruption_type::hardware_exception, true) == 0x80000B0DU &&  // #GP
           vmx::make_interruption_info(2, interruption_type::nmi, false) == 0x80000202U &&
           vmx::make_interruption_info(0x80, interruption_type::software_interrupt, false) == 0x80000480U &&
           vmx::make_interruption_info(1, interruption_type::privileged_software_exception, false) == 0x80000501U &&
           vmx::make_interruption_info(3, interruption_type::software_exception, false) == 0x80000603U;  // INT3
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, BuilderSetsValidTypeVectorAndErrorCodeBit,
                 check_builder_sets_valid_type_vector_and_error_code_bit)

constexpr bool check_pending_mtf_injection_is_other_event_with_vector_0() {
    return vmx::pending_mtf_vm_exit_injection == 0x80000700U &&
           vmx::is_pending_mtf_injection(vmx::pending_mtf_vm_exit_injection) &&
           !vmx::is_pending_mtf_injection(0x00000700U) &&  // not valid
           !vmx::is_pending_mtf_injection(0x80000701U) &&  // other vector
           !vmx::is_pending_mtf_injection(0x80000300U);    // #DE
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, PendingMtfInjectionIsOtherEventWithVector0,
                 check_pending_mtf_injection_is_other_event_with_vector_0)

constexpr bool check_decoders_give_back_what_the_builder_put_in() {
    constexpr interruption_type types[] = {
        interruption_type::external_interrupt, interruption_type::nmi,
        interruption_type::hardware_exception, interruption_type::software_interrupt,
        interruption_type::privileged_software_exception, interruption_type::software_exception,
        interruption_type::other_event};
    bool ok = true;
    for (unsigned v = 0; v < 256; ++v) {
        for (const auto t : types) {
            for (int ec = 0; ec < 2; ++ec) {
                const auto info = vmx::make_interruption_info(static_cast<std::uint8_t>(v), t, ec != 0);
                ok = ok && vmx::interruption_valid(info) && vmx::interruption_vector(info) == v &&
                     vmx::interruption_type_of(info) == t && vmx::interruption_error_code_valid(info) == (ec != 0) &&
                     !vmx::interruption_nmi_unblocking_due_to_iret(info) && (info & 0x7FFFF000U) == 0;
            }
        }
    }
    return ok;
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, DecodersGiveBackWhatTheBuilderPutIn,
                 check_decoders_give_back_what_the_builder_put_in)

constexpr bool check_decoders_are_total_over_reserved_values() {
    return vmx::interruption_type_of(0x80000100U) == interruption_type{1} && !vmx::interruption_valid(0x7FFFFFFFU) &&
           vmx::interruption_vector(0xFFFFFFFFU) == 0xFF &&
           vmx::interruption_type_of(0xFFFFFFFFU) == interruption_type::other_event &&
           vmx::interruption_nmi_unblocking_due_to_iret(0x80001302U);
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, DecodersAreTotalOverReservedValues, check_decoders_are_total_over_reserved_values)

constexpr bool check_only_valid_event_deliveries_make_a_vm_entry_vectoring() {
    return vmx::is_vectoring_entry(vmx::make_interruption_info(0x20, interruption_type::external_interrupt, false)) &&
           vmx::is_vectoring_entry(vmx::make_interruption_info(1, interruption_type::hardware_exception, false)) &&
           vmx::is_vectoring_entry(vmx::make_interruption_info(3, interruption_type::software_exception, false)) &&
           !vmx::is_vectoring_entry(vmx::pending_mtf_vm_exit_injection) &&
           !vmx::is_vectoring_entry(0x80000100U) &&  // reserved type 1
           !vmx::is_vectoring_entry(0x00000301U);    // valid bit clear
}
HVSTEP_DUAL_TEST(VmxInterruptionInfo, OnlyValidEventDeliveriesMakeAVmEntryVectoring,
                 check_only_valid_event_deliveries_make_a_vm_entry_vectoring)

}  // namespace
