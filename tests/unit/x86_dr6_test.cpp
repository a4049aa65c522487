// DR6 layout and the raw <-> positive-polarity conversion.
// Expected values are the manual's: SDM Vol. 3B §18.2.3 Figure 18-1, APM Vol. 2
// Figure 13-2, SDM Vol. 3C Table 28-1 (VMX exit qualification for #DB).

#include "hvstep/x86/dr6.hpp"

#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace dr6 = hvstep::x86::dr6;

constexpr bool check_fields_sit_where_the_manual_puts_them() {
    return dr6::b0.mask == 0x1U && dr6::b1.mask == 0x2U && dr6::b2.mask == 0x4U &&
           dr6::b3.mask == 0x8U && dr6::breakpoint_hits.mask == 0xFU && dr6::bld.mask == 0x800U &&
           dr6::bd.mask == 0x2000U && dr6::bs.mask == 0x4000U && dr6::bt.mask == 0x8000U &&
           dr6::rtm.mask == 0x10000U;
}

constexpr bool check_init_value_is_ffff0ff0() { return dr6::init_value == 0xFFFF0FF0U; }

constexpr bool check_active_low_bits_are_rtm_and_bld() {
    return dr6::active_low_bits == 0x10800U;
}

constexpr bool check_reserved_ones_are_bits_4_to_10_and_17_to_31() {
    std::uint64_t expected = 0;
    for (unsigned bit = 4; bit <= 10; ++bit) {
        expected |= std::uint64_t{1} << bit;
    }
    for (unsigned bit = 17; bit <= 31; ++bit) {
        expected |= std::uint64_t{1} << bit;
    }
    return dr6::reserved_ones == expected;
}

// Bit 12 and bits 63:32 read as 0: neither reserved-one nor a condition.
constexpr bool check_bit_12_and_upper_half_carry_nothing() {
    const std::uint64_t nothing = (std::uint64_t{1} << 12) | 0xFFFFFFFF00000000U;
    return (dr6::reserved_ones & nothing) == 0 && (dr6::condition_bits & nothing) == 0 &&
           (dr6::reserved_ones & dr6::condition_bits) == 0;
}

constexpr bool check_cause_bits_are_b0_to_b3_bd_bs_bt() { return dr6::cause_bits == 0xE00FU; }

constexpr bool check_init_value_records_no_condition() {
    return dr6::to_conditions(dr6::init_value) == 0 && dr6::is_clear(dr6::init_value) &&
           dr6::from_conditions(0) == dr6::init_value;
}

// Active-low: a cleared RTM or BLD bit in the register is a set condition.
constexpr bool check_cleared_active_low_bit_means_it_happened() {
    return dr6::to_conditions(dr6::rtm.without(dr6::init_value)) == dr6::rtm.mask &&
           dr6::to_conditions(dr6::bld.without(dr6::init_value)) == dr6::bld.mask &&
           dr6::from_conditions(dr6::rtm.mask) == 0xFFFE0FF0U &&
           dr6::from_conditions(dr6::bld.mask) == 0xFFFF07F0U;
}

constexpr bool check_single_step_dr6_is_ffff4ff0() {
    return dr6::from_conditions(dr6::bs.mask) == 0xFFFF4FF0U &&
           dr6::to_conditions(0xFFFF4FF0U) == dr6::bs.mask;
}

// The VMX exit qualification for #DB is positive for RTM (bit 16): it compares
// directly with conditions (SDM Vol. 3C Table 28-1).
constexpr bool check_vmx_exit_qualification_is_in_conditions_polarity() {
    const std::uint64_t rtm_and_b0_qualification = 0x10001U;
    return dr6::from_conditions(rtm_and_b0_qualification) == 0xFFFE0FF1U &&
           dr6::to_conditions(0xFFFE0FF1U) == rtm_and_b0_qualification;
}

// Pending-debug-exceptions bit 12 ("enabled breakpoint") has no DR6 meaning.
constexpr bool check_pending_debug_enabled_breakpoint_bit_is_dropped() {
    const std::uint64_t pending = dr6::bs.mask | (std::uint64_t{1} << 12);
    return dr6::from_conditions(pending) == 0xFFFF4FF0U;
}

constexpr bool check_reserved_and_upper_bits_never_become_conditions() {
    return dr6::to_conditions(~std::uint64_t{0}) == dr6::cause_bits &&
           dr6::to_conditions(0) == dr6::active_low_bits;
}

// Every set of conditions survives the trip to raw DR6 and back.
constexpr bool check_every_condition_set_round_trips() {
    const unsigned positions[] = {0, 1, 2, 3, 11, 13, 14, 15, 16};
    constexpr unsigned count = sizeof(positions) / sizeof(positions[0]);
    for (unsigned subset = 0; subset < (1U << count); ++subset) {
        std::uint64_t conditions = 0;
        for (unsigned i = 0; i < count; ++i) {
            if ((subset >> i) & 1U) {
                conditions |= std::uint64_t{1} << positions[i];
            }
        }
        const std::uint64_t raw = dr6::from_conditions(conditions);
        if (dr6::to_conditions(raw) != conditions || dr6::from_conditions(dr6::to_conditions(raw)) != raw ||
            (raw & dr6::reserved_ones) != dr6::reserved_ones) {
            return false;
        }
    }
    return true;
}

}  // namespace

HVSTEP_DUAL_TEST(Dr6, FieldsSitWhereTheManualPutsThem, check_fields_sit_where_the_manual_puts_them)
HVSTEP_DUAL_TEST(Dr6, InitValueIsFfff0ff0, check_init_value_is_ffff0ff0)
HVSTEP_DUAL_TEST(Dr6, ActiveLowBitsAreRtmAndBld, check_active_low_bits_are_rtm_and_bld)
HVSTEP_DUAL_TEST(Dr6, ReservedOnesAreBits4To10And17To31, check_reserved_ones_are_bits_4_to_10_and_17_to_31)
HVSTEP_DUAL_TEST(Dr6, Bit12AndUpperHalfCarryNothing, check_bit_12_and_upper_half_carry_nothing)
HVSTEP_DUAL_TEST(Dr6, CauseBitsAreB0ToB3BdBsBt, check_cause_bits_are_b0_to_b3_bd_bs_bt)
HVSTEP_DUAL_TEST(Dr6, InitValueRecordsNoCondition, check_init_value_records_no_condition)
HVSTEP_DUAL_TEST(Dr6, ClearedActiveLowBitMeansItHappened, check_cleared_active_low_bit_means_it_happened)
HVSTEP_DUAL_TEST(Dr6, SingleStepDr6IsFfff4ff0, check_single_step_dr6_is_ffff4ff0)
HVSTEP_DUAL_TEST(Dr6, VmxExitQualificationIsInConditionsPolarity,
                 check_vmx_exit_qualification_is_in_conditions_polarity)
HVSTEP_DUAL_TEST(Dr6, PendingDebugEnabledBreakpointBitIsDropped,
                 check_pending_debug_enabled_breakpoint_bit_is_dropped)
HVSTEP_DUAL_TEST(Dr6, ReservedAndUpperBitsNeverBecomeConditions,
                 check_reserved_and_upper_bits_never_become_conditions)
HVSTEP_DUAL_TEST(Dr6, EveryConditionSetRoundTrips, check_every_condition_set_round_trips)
