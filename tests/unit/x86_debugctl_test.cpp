// IA32_DEBUGCTL / DebugCtl layout (SDM Vol. 3B §18.4.1 Figure 18-3; APM Vol. 2
// §13.1.1.6 Figure 13-4).

#include "hvstep/x86/debugctl.hpp"

#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace debugctl = hvstep::x86::debugctl;

constexpr bool check_msr_index_is_1d9() { return debugctl::msr_index == 0x1D9U; }

constexpr bool check_lbr_btf_and_bus_lock_are_bits_0_1_2_on_both_vendors() {
    return debugctl::lbr.mask == 0x1U && debugctl::btf.mask == 0x2U &&
           debugctl::bus_lock_detect.mask == 0x4U;
}

constexpr bool check_freeze_bits_are_11_and_12() {
    return debugctl::freeze_lbrs_on_pmi.mask == 0x800U && debugctl::freeze_perfmon_on_pmi.mask == 0x1000U;
}

constexpr bool check_intel_only_bits_are_14_and_15() {
    return debugctl::freeze_while_smm.mask == 0x4000U && debugctl::rtm.mask == 0x8000U;
}

constexpr bool check_only_btf_changes_what_tf_steps() { return debugctl::step_mode_bits == 0x2U; }

// Arming BTF and restoring the guest's own value leaves every other bit alone.
constexpr bool check_arming_btf_preserves_the_guests_other_bits() {
    const std::uint64_t guests[] = {0, 0x1U, 0x4U, 0x801U, 0xD805U, 0xFFFFU};
    for (const std::uint64_t guest : guests) {
        const std::uint64_t armed = debugctl::btf.with(guest);
        if ((armed & ~debugctl::btf.mask) != (guest & ~debugctl::btf.mask) || !debugctl::btf.is_set(armed)) {
            return false;
        }
        if (debugctl::btf.assign(armed, debugctl::btf.is_set(guest)) != guest) {
            return false;
        }
    }
    return true;
}

}  // namespace

HVSTEP_DUAL_TEST(DebugCtl, MsrIndexIs1D9, check_msr_index_is_1d9)
HVSTEP_DUAL_TEST(DebugCtl, LbrBtfAndBusLockAreBits012OnBothVendors,
                 check_lbr_btf_and_bus_lock_are_bits_0_1_2_on_both_vendors)
HVSTEP_DUAL_TEST(DebugCtl, FreezeBitsAre11And12, check_freeze_bits_are_11_and_12)
HVSTEP_DUAL_TEST(DebugCtl, IntelOnlyBitsAre14And15, check_intel_only_bits_are_14_and_15)
HVSTEP_DUAL_TEST(DebugCtl, OnlyBtfChangesWhatTfSteps, check_only_btf_changes_what_tf_steps)
HVSTEP_DUAL_TEST(DebugCtl, ArmingBtfPreservesTheGuestsOtherBits, check_arming_btf_preserves_the_guests_other_bits)
