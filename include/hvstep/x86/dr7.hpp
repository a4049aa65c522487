#pragma once
// DR7, the debug control register: which breakpoints are armed, and how.
// Intel SDM Vol. 3B §18.2.4 "Debug Control Register (DR7)", Figure 18-1;
// AMD APM Vol. 2 §13.1.1.4 "Debug-Control Register (DR7)", Figure 13-3.
// (SDM numbering: the edition whose debug chapter is 18; see x86/dr6.hpp.)

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {
namespace dr7 {

// L_n / G_n: breakpoint n enabled for the current task / all tasks. The
// processor clears L0-L3 on a hardware task switch (SDM §18.2.4; APM §13.1.1.4).
inline constexpr field<0> l0{};
inline constexpr field<1> g0{};
inline constexpr field<2> l1{};
inline constexpr field<3> g1{};
inline constexpr field<4> l2{};
inline constexpr field<5> g2{};
inline constexpr field<6> l3{};
inline constexpr field<7> g3{};
// All eight enables: a nonzero value means some address breakpoint is armed.
inline constexpr field<0, 8> enables{};

// LE / GE: exact-breakpoint enables; ignored by current processors but kept by
// the register (SDM §18.2.4; APM §13.1.1.4).
inline constexpr field<8> le{};
inline constexpr field<9> ge{};
// Bit 10 is reserved and reads as 1 (SDM §18.2.4; APM §13.1.1.4).
inline constexpr field<10> reserved_one{};
// RTM: with IA32_DEBUGCTL.RTM, enables advanced debugging of RTM regions
// (SDM §18.2.4, §18.3.3; Intel only, reserved-as-0 on AMD).
inline constexpr field<11> rtm{};
// GD: general detect; a MOV to/from any debug register raises a fault-class #DB
// with DR6.BD, and the processor clears GD on #DB delivery (SDM §18.2.4,
// §18.3.1.3; APM §13.1.3.5).
inline constexpr field<13> gd{};

// R/W_n: the access that triggers breakpoint n (SDM §18.2.4; APM §13.1.1.4).
inline constexpr field<16, 2> rw0{};
inline constexpr field<20, 2> rw1{};
inline constexpr field<24, 2> rw2{};
inline constexpr field<28, 2> rw3{};
// LEN_n: the size of the watched range of breakpoint n (SDM §18.2.4; APM §13.1.1.4).
inline constexpr field<18, 2> len0{};
inline constexpr field<22, 2> len1{};
inline constexpr field<26, 2> len2{};
inline constexpr field<30, 2> len3{};

// DR7 after power-up, reset or INIT: only the reserved one (SDM Vol. 3A §10.1.1,
// Table 10-1; APM Table 14-1).
inline constexpr std::uint64_t init_value = reserved_one.mask;
static_assert(init_value == 0x400U, "DR7 init value (SDM Table 10-1)");

// Number of address breakpoints (DR0-DR3).
inline constexpr unsigned breakpoint_count = 4;

// R/W_n encodings (SDM §18.2.4; APM §13.1.1.4). `io` is defined only with
// CR4.DE=1; with CR4.DE=0 the encoding is undefined.
enum class breakpoint_condition : std::uint8_t {
    execute = 0,
    write = 1,
    io = 2,
    read_write = 3,
};

// LEN_n encodings (SDM §18.2.4; APM §13.1.1.4). `bytes8` is defined in long mode
// (and, on Intel, in other modes on some processors). Execute breakpoints
// require `bytes1`; other lengths give undefined results.
enum class breakpoint_length : std::uint8_t {
    bytes1 = 0,
    bytes2 = 1,
    bytes8 = 2,
    bytes4 = 3,
};

// The number of bytes a LEN_n encoding covers.
constexpr unsigned length_in_bytes(breakpoint_length len) noexcept {
    switch (len) {
        case breakpoint_length::bytes1: return 1;
        case breakpoint_length::bytes2: return 2;
        case breakpoint_length::bytes8: return 8;
        case breakpoint_length::bytes4: return 4;
    }
    return 1;
}

// Index-based accessors. A breakpoint index n outside 0..3 reads as a breakpoint
// whose DR7 fields are all zero: not enabled, `execute`, `bytes1`. No shift is
// ever evaluated for such an n.

// L_n or G_n is set.
constexpr bool is_enabled(std::uint64_t dr7, unsigned n) noexcept {
    return n < breakpoint_count && ((dr7 >> (2U * n)) & 3U) != 0;
}

// The R/W_n field.
constexpr breakpoint_condition condition(std::uint64_t dr7, unsigned n) noexcept {
    if (n >= breakpoint_count) {
        return breakpoint_condition::execute;
    }
    return static_cast<breakpoint_condition>((dr7 >> (rw0.position + 4U * n)) & 3U);
}

// The LEN_n field.
constexpr breakpoint_length length(std::uint64_t dr7, unsigned n) noexcept {
    if (n >= breakpoint_count) {
        return breakpoint_length::bytes1;
    }
    return static_cast<breakpoint_length>((dr7 >> (len0.position + 4U * n)) & 3U);
}

// Mask-based views, laid out like DR6.B0-B3 (bit n = breakpoint n) so they
// combine directly with DR6 conditions.

// Bit n set when breakpoint n is enabled (L_n or G_n).
constexpr std::uint64_t enabled_mask(std::uint64_t dr7) noexcept {
    std::uint64_t mask = 0;
    for (unsigned n = 0; n < breakpoint_count; ++n) {
        if (is_enabled(dr7, n)) {
            mask |= std::uint64_t{1} << n;
        }
    }
    return mask;
}

// Bit n set when R/W_n == `c`, whether or not breakpoint n is enabled.
constexpr std::uint64_t condition_mask(std::uint64_t dr7, breakpoint_condition c) noexcept {
    std::uint64_t mask = 0;
    for (unsigned n = 0; n < breakpoint_count; ++n) {
        if (condition(dr7, n) == c) {
            mask |= std::uint64_t{1} << n;
        }
    }
    return mask;
}

}  // namespace dr7
}  // namespace x86
}  // namespace v0
}  // namespace hvstep
