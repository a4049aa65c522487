// Guest interruptibility and activity state (SDM §25.4.2), segment access
// rights (§25.4.1) and the VM-entry check on pending BS (§27.3.1.5).

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/guest_state.hpp"

namespace {

namespace vmx = hvstep::vmx;
using vmx::activity_state;
using vmx::pending_bs_requirement;

constexpr std::uint64_t sti = vmx::interruptibility::blocking_by_sti.mask;
constexpr std::uint64_t mov_ss = vmx::interruptibility::blocking_by_mov_ss.mask;
constexpr std::uint64_t bs = vmx::pending_debug_exceptions::bs.mask;

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

constexpr bool check_pending_bs_is_unchecked_without_a_shadow_or_hlt() {
    bool ok = true;
    for (int tf = 0; tf < 2; ++tf) {
        for (int btf = 0; btf < 2; ++btf) {
            ok = ok &&
                 vmx::pending_bs_required(0, activity_state::active, tf != 0, btf != 0) ==
                     pending_bs_requirement::unchecked &&
                 // Blocking by NMI or SMI is not a shadow.
                 vmx::pending_bs_required(vmx::interruptibility::blocking_by_nmi.mask, activity_state::active,
                                          tf != 0, btf != 0) == pending_bs_requirement::unchecked &&
                 vmx::pending_bs_consistent(0, activity_state::active, tf != 0, btf != 0, bs) &&
                 vmx::pending_bs_consistent(0, activity_state::active, tf != 0, btf != 0, 0);
        }
    }
    return ok;
}
HVSTEP_DUAL_TEST(VmxGuestState, PendingBsIsUncheckedWithoutAShadowOrHlt,
                 check_pending_bs_is_unchecked_without_a_shadow_or_hlt)

constexpr bool check_tf_in_a_shadow_without_btf_requires_pending_bs() {
    // XSA-308: arming TF in an STI or MOV-SS shadow without setting BS fails VM entry.
    return vmx::pending_bs_required(sti, activity_state::active, true, false) == pending_bs_requirement::must_be_set &&
           vmx::pending_bs_required(mov_ss, activity_state::active, true, false) ==
               pending_bs_requirement::must_be_set &&
           vmx::pending_bs_required(0, activity_state::hlt, true, false) == pending_bs_requirement::must_be_set &&
           !vmx::pending_bs_consistent(sti, activity_state::active, true, false, 0) &&
           vmx::pending_bs_consistent(sti, activity_state::active, true, false, bs);
}
HVSTEP_DUAL_TEST(VmxGuestState, TfInAShadowWithoutBtfRequiresPendingBs,
                 check_tf_in_a_shadow_without_btf_requires_pending_bs)

constexpr bool check_no_tf_or_btf_in_a_shadow_forbids_pending_bs() {
    return vmx::pending_bs_required(sti, activity_state::active, false, false) ==
               pending_bs_requirement::must_be_clear &&
           vmx::pending_bs_required(mov_ss, activity_state::active, true, true) ==
               pending_bs_requirement::must_be_clear &&
           vmx::pending_bs_required(0, activity_state::hlt, false, true) == pending_bs_requirement::must_be_clear &&
           !vmx::pending_bs_consistent(mov_ss, activity_state::active, false, false, bs) &&
           !vmx::pending_bs_consistent(sti, activity_state::active, true, true, bs) &&
           vmx::pending_bs_consistent(sti, activity_state::active, true, true, 0);
}
HVSTEP_DUAL_TEST(VmxGuestState, NoTfOrBtfInAShadowForbidsPendingBs, check_no_tf_or_btf_in_a_shadow_forbids_pending_bs)

constexpr bool check_pending_bs_check_looks_only_at_bs() {
    // Other pending bits (a breakpoint match) do not satisfy or violate the BS rule.
    constexpr std::uint64_t b0_only = vmx::pending_debug_exceptions::b0.mask;
    return !vmx::pending_bs_consistent(sti, activity_state::active, true, false, b0_only) &&
           vmx::pending_bs_consistent(sti, activity_state::active, false, false, b0_only);
}
HVSTEP_DUAL_TEST(VmxGuestState, PendingBsCheckLooksOnlyAtBs, check_pending_bs_check_looks_only_at_bs)

}  // namespace
