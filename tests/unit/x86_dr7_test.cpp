// DR7 layout, encodings and the index-based accessors.
// Expected values are the manual's: SDM Vol. 3B §18.2.4 Figure 18-1, APM Vol. 2
// §13.1.1.4 Figure 13-3.

#include "hvstep/x86/dr7.hpp"

#include <climits>
#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace dr7 = hvstep::x86::dr7;
using dr7::breakpoint_condition;
using dr7::breakpoint_length;

constexpr bool check_enable_bits_alternate_local_global() {
    return dr7::l0.mask == 0x01U && dr7::g0.mask == 0x02U && dr7::l1.mask == 0x04U &&
           dr7::g1.mask == 0x08U && dr7::l2.mask == 0x10U && dr7::g2.mask == 0x20U &&
           dr7::l3.mask == 0x40U && dr7::g3.mask == 0x80U && dr7::enables.mask == 0xFFU;
}

constexpr bool check_control_bits_sit_where_the_manual_puts_them() {
    return dr7::le.mask == 0x100U && dr7::ge.mask == 0x200U && dr7::reserved_one.mask == 0x400U &&
           dr7::rtm.mask == 0x800U && dr7::gd.mask == 0x2000U;
}

// R/W_n at bits 16+4n, LEN_n at bits 18+4n, two bits each.
constexpr bool check_rw_and_len_fields_repeat_every_four_bits() {
    return dr7::rw0.mask == 0x0003'0000U && dr7::len0.mask == 0x000C'0000U &&
           dr7::rw1.mask == 0x0030'0000U && dr7::len1.mask == 0x00C0'0000U &&
           dr7::rw2.mask == 0x0300'0000U && dr7::len2.mask == 0x0C00'0000U &&
           dr7::rw3.mask == 0x3000'0000U && dr7::len3.mask == 0xC000'0000U;
}

constexpr bool check_init_value_is_400() { return dr7::init_value == 0x400U; }

constexpr bool check_condition_encodings_match_the_manual() {
    return static_cast<unsigned>(breakpoint_condition::execute) == 0 &&
           static_cast<unsigned>(breakpoint_condition::write) == 1 &&
           static_cast<unsigned>(breakpoint_condition::io) == 2 &&
           static_cast<unsigned>(breakpoint_condition::read_write) == 3;
}

// LEN 10b is eight bytes and 11b four bytes: the encoding is not monotonic.
constexpr bool check_length_encodings_match_the_manual() {
    return static_cast<unsigned>(breakpoint_length::bytes1) == 0 &&
           static_cast<unsigned>(breakpoint_length::bytes2) == 1 &&
           static_cast<unsigned>(breakpoint_length::bytes8) == 2 &&
           static_cast<unsigned>(breakpoint_length::bytes4) == 3 &&
           dr7::length_in_bytes(breakpoint_length::bytes1) == 1 &&
           dr7::length_in_bytes(breakpoint_length::bytes2) == 2 &&
           dr7::length_in_bytes(breakpoint_length::bytes8) == 8 &&
           dr7::length_in_bytes(breakpoint_length::bytes4) == 4;
}

constexpr bool check_breakpoint_is_enabled_by_local_or_global() {
    for (unsigned n = 0; n < dr7::breakpoint_count; ++n) {
        const std::uint64_t local = std::uint64_t{1} << (2 * n);
        const std::uint64_t global = std::uint64_t{2} << (2 * n);
        if (!dr7::is_enabled(local, n) || !dr7::is_enabled(global, n) ||
            !dr7::is_enabled(local | global, n) || dr7::is_enabled(dr7::init_value, n)) {
            return false;
        }
        // Only its own pair enables breakpoint n.
        if (dr7::is_enabled(dr7::enables.mask & ~(local | global), n)) {
            return false;
        }
    }
    // GD, LE and GE enable no breakpoint.
    return !dr7::is_enabled(dr7::gd.mask | dr7::le.mask | dr7::ge.mask, 0);
}

// 0x00d0040a: G0 and G1, R/W1 = write, LEN1 = 4 bytes; breakpoint 0 is an
// execute breakpoint because its fields are zero.
constexpr bool check_accessors_decode_a_four_byte_write_watchpoint() {
    const std::uint64_t v = 0x00D0'040AU;
    return dr7::is_enabled(v, 0) && dr7::condition(v, 0) == breakpoint_condition::execute &&
           dr7::length(v, 0) == breakpoint_length::bytes1 && dr7::is_enabled(v, 1) &&
           dr7::condition(v, 1) == breakpoint_condition::write &&
           dr7::length(v, 1) == breakpoint_length::bytes4 && !dr7::is_enabled(v, 2) &&
           !dr7::is_enabled(v, 3);
}

constexpr bool check_accessors_read_each_breakpoints_own_fields() {
    for (unsigned n = 0; n < dr7::breakpoint_count; ++n) {
        for (unsigned rw = 0; rw < 4; ++rw) {
            for (unsigned len = 0; len < 4; ++len) {
                const std::uint64_t v = (std::uint64_t{rw} << (16 + 4 * n)) | (std::uint64_t{len} << (18 + 4 * n));
                if (static_cast<unsigned>(dr7::condition(v, n)) != rw ||
                    static_cast<unsigned>(dr7::length(v, n)) != len) {
                    return false;
                }
                for (unsigned other = 0; other < dr7::breakpoint_count; ++other) {
                    if (other != n && (dr7::condition(v, other) != breakpoint_condition::execute ||
                                       dr7::length(v, other) != breakpoint_length::bytes1)) {
                        return false;
                    }
                }
            }
        }
    }
    return true;
}

// An index past 3 reads as a breakpoint whose fields are all zero.
constexpr bool check_out_of_range_index_reads_as_zero_fields() {
    const std::uint64_t all = ~std::uint64_t{0};
    const unsigned indices[] = {4, 5, 31, 32, 63, 64, UINT_MAX};
    for (const unsigned n : indices) {
        if (dr7::is_enabled(all, n) || dr7::condition(all, n) != breakpoint_condition::execute ||
            dr7::length(all, n) != breakpoint_length::bytes1) {
            return false;
        }
    }
    return true;
}

// The mask views use DR6's B0-B3 layout: bit n is breakpoint n.
constexpr bool check_masks_use_the_dr6_breakpoint_layout() {
    const std::uint64_t l0_g3 = dr7::l0.mask | dr7::g3.mask;
    const std::uint64_t rw = (std::uint64_t{3} << 16) | (std::uint64_t{1} << 20) | (std::uint64_t{2} << 24);
    return dr7::enabled_mask(dr7::enables.mask) == 0xFU && dr7::enabled_mask(dr7::init_value) == 0 &&
           dr7::enabled_mask(l0_g3) == 0x9U &&
           dr7::condition_mask(rw, breakpoint_condition::read_write) == 0x1U &&
           dr7::condition_mask(rw, breakpoint_condition::write) == 0x2U &&
           dr7::condition_mask(rw, breakpoint_condition::io) == 0x4U &&
           dr7::condition_mask(rw, breakpoint_condition::execute) == 0x8U;
}

}  // namespace

HVSTEP_DUAL_TEST(Dr7, EnableBitsAlternateLocalGlobal, check_enable_bits_alternate_local_global)
HVSTEP_DUAL_TEST(Dr7, ControlBitsSitWhereTheManualPutsThem, check_control_bits_sit_where_the_manual_puts_them)
HVSTEP_DUAL_TEST(Dr7, RwAndLenFieldsRepeatEveryFourBits, check_rw_and_len_fields_repeat_every_four_bits)
HVSTEP_DUAL_TEST(Dr7, InitValueIs400, check_init_value_is_400)
HVSTEP_DUAL_TEST(Dr7, ConditionEncodingsMatchTheManual, check_condition_encodings_match_the_manual)
HVSTEP_DUAL_TEST(Dr7, LengthEncodingsMatchTheManual, check_length_encodings_match_the_manual)
HVSTEP_DUAL_TEST(Dr7, BreakpointIsEnabledByLocalOrGlobal, check_breakpoint_is_enabled_by_local_or_global)
HVSTEP_DUAL_TEST(Dr7, AccessorsDecodeAFourByteWriteWatchpoint,
                 check_accessors_decode_a_four_byte_write_watchpoint)
HVSTEP_DUAL_TEST(Dr7, AccessorsReadEachBreakpointsOwnFields, check_accessors_read_each_breakpoints_own_fields)
HVSTEP_DUAL_TEST(Dr7, OutOfRangeIndexReadsAsZeroFields, check_out_of_range_index_reads_as_zero_fields)
HVSTEP_DUAL_TEST(Dr7, MasksUseTheDr6BreakpointLayout, check_masks_use_the_dr6_breakpoint_layout)
