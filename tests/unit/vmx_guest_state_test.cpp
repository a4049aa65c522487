// Guest interruptibility and activity state (SDM §25.4.2), segment access
// rights (§25.4.1) and the VM-entry check on pending BS (§27.3.1.5).

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/guest_state.hpp"

namespace {

namespace vmx = hvstep::vmx;
using vmx::activity_state;

constexpr bool check_interruptibility_bits_sit_where_the_sdm_puts_them() {
    namespace i = vmx::interruptibility;
    return i::blocking_by_sti.mask == 0x1U && i::blocking_by_mov_ss.mask == 0x2U && i::blocking_by_smi.mask == 0x4U &&
           i::blocking_by_nmi.mask == 0x8U && i::enclave_interruption.mask == 0x10U && i::defined_bits == 0x1FU;
}
HVSTEP_DUAL_TEST(VmxGuestState, InterruptibilityBitsSitWhereTheSdmPutsThem,
                 check_interruptibility_bits_sit_where_the_sdm_puts_them)

constexpr bool check_activity_states_have_their_sdm_values() {
    return static_cast<std::uint32_t>(activity_state::active) == 0 &&
           static_cast<std::uint32_t>(activity_state::hlt) == 1 &&
           static_cast<std::uint32_t>(activity_state::shutdown) == 2 &&
           static_cast<std::uint32_t>(activity_state::wait_for_sipi) == 3;
}
HVSTEP_DUAL_TEST(VmxGuestState, ActivityStatesHaveTheirSdmValues, check_activity_states_have_their_sdm_values)

constexpr bool check_access_rights_dpl_is_bits_6_to_5() {
    namespace a = vmx::segment_access_rights;
    // A ring-3 stack segment (type 3, S, DPL 3, P, D/B, G): 0xC0F3.
    return a::dpl.get(0xC0F3U) == 3 && a::dpl.mask == 0x60U && a::l.mask == 0x2000U &&
           a::unusable.mask == 0x10000U && a::present.is_set(0xC0F3U);
}
HVSTEP_DUAL_TEST(VmxGuestState, AccessRightsDplIsBits6To5, check_access_rights_dpl_is_bits_6_to_5)

}  // namespace
