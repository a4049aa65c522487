// Debug-exception and MOV-DR exit qualifications (SDM §28.2.1) and the
// pending-debug-exceptions field (§25.4.2).

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/exit_qualification.hpp"

namespace {

namespace vmx = hvstep::vmx;

constexpr bool check_debug_qualification_bits_sit_where_the_sdm_puts_them() {
    namespace q = vmx::debug_qualification;
    return q::b0.mask == 0x1U && q::b1.mask == 0x2U && q::b2.mask == 0x4U && q::b3.mask == 0x8U &&
           q::breakpoints.mask == 0xFU && q::bd.mask == 0x2000U && q::bs.mask == 0x4000U && q::rtm.mask == 0x10000U &&
           q::defined_bits == 0x1600FU;
}
HVSTEP_DUAL_TEST(VmxExitQualification, DebugQualificationBitsSitWhereTheSdmPutsThem,
                 check_debug_qualification_bits_sit_where_the_sdm_puts_them)

constexpr bool check_debug_qualification_has_positive_polarity() {
    // A single-step trap reports only BS; reserved bits and RTM read as 0.
    constexpr std::uint64_t single_step = 0x4000U;
    namespace q = vmx::debug_qualification;
    return q::bs.is_set(single_step) && !q::rtm.is_set(single_step) && q::breakpoints.get(single_step) == 0 &&
           !q::bd.is_set(single_step);
}
HVSTEP_DUAL_TEST(VmxExitQualification, DebugQualificationHasPositivePolarity,
                 check_debug_qualification_has_positive_polarity)

constexpr bool check_pending_debug_exceptions_bits_sit_where_the_sdm_puts_them() {
    namespace p = vmx::pending_debug_exceptions;
    return p::b0.mask == 0x1U && p::b1.mask == 0x2U && p::b2.mask == 0x4U && p::b3.mask == 0x8U &&
           p::breakpoints.mask == 0xFU && p::enabled_breakpoint.mask == 0x1000U && p::bs.mask == 0x4000U &&
           p::rtm.mask == 0x10000U && p::defined_bits == 0x1500FU;
}
HVSTEP_DUAL_TEST(VmxExitQualification, PendingDebugExceptionsBitsSitWhereTheSdmPutsThem,
                 check_pending_debug_exceptions_bits_sit_where_the_sdm_puts_them)

// So a hypervisor can carry BS between the exit qualification and the pending
// field without shifting.
constexpr bool check_bs_is_bit_14_in_both_the_qualification_and_the_pending_field() {
    return vmx::pending_debug_exceptions::bs.position == 14 && vmx::debug_qualification::bs.position == 14 &&
           vmx::pending_debug_exceptions::bs.set(0, vmx::debug_qualification::bs.get(0x4000U)) == 0x4000U;
}
HVSTEP_DUAL_TEST(VmxExitQualification, BsIsBit14InBothTheQualificationAndThePendingField,
                 check_bs_is_bit_14_in_both_the_qualification_and_the_pending_field)

constexpr bool check_mov_dr_qualification_fields_sit_where_the_sdm_puts_them() {
    namespace m = vmx::mov_dr_qualification;
    return m::debug_register.mask == 0x7U && m::direction.mask == 0x10U && m::general_purpose_register.mask == 0xF00U &&
           static_cast<int>(vmx::mov_dr_direction::to_dr) == 0 && static_cast<int>(vmx::mov_dr_direction::from_dr) == 1;
}
HVSTEP_DUAL_TEST(VmxExitQualification, MovDrQualificationFieldsSitWhereTheSdmPutsThem,
                 check_mov_dr_qualification_fields_sit_where_the_sdm_puts_them)

constexpr bool check_mov_dr_qualification_decodes_register_direction_and_gpr() {
    // MOV DR7, RAX: DR7, to DR, RAX.
    constexpr std::uint64_t to_dr7_from_rax = 0x007U;
    // MOV R13, DR6: DR6, from DR, R13.
    constexpr std::uint64_t from_dr6_to_r13 = 0xD16U;
    return vmx::mov_dr_debug_register(to_dr7_from_rax) == 7 &&
           vmx::mov_dr_direction_of(to_dr7_from_rax) == vmx::mov_dr_direction::to_dr &&
           vmx::mov_dr_general_purpose_register(to_dr7_from_rax) == 0 &&
           vmx::mov_dr_debug_register(from_dr6_to_r13) == 6 &&
           vmx::mov_dr_direction_of(from_dr6_to_r13) == vmx::mov_dr_direction::from_dr &&
           vmx::mov_dr_general_purpose_register(from_dr6_to_r13) == 13;
}
HVSTEP_DUAL_TEST(VmxExitQualification, MovDrQualificationDecodesRegisterDirectionAndGpr,
                 check_mov_dr_qualification_decodes_register_direction_and_gpr)

constexpr bool check_mov_dr_decoders_ignore_undefined_bits() {
    constexpr std::uint64_t all_ones = ~std::uint64_t{0};
    return vmx::mov_dr_debug_register(all_ones) == 7 &&
           vmx::mov_dr_direction_of(all_ones) == vmx::mov_dr_direction::from_dr &&
           vmx::mov_dr_general_purpose_register(all_ones) == 15;
}
HVSTEP_DUAL_TEST(VmxExitQualification, MovDrDecodersIgnoreUndefinedBits, check_mov_dr_decoders_ignore_undefined_bits)

}  // namespace
