#pragma once
// DR6, the debug status register: what caused the last #DB.
// Intel SDM Vol. 3B §18.2.3 "Debug Status Register (DR6)", Figure 18-1;
// AMD APM Vol. 2 §13.1.1.3 "Debug-Status Register (DR6)", Figure 13-2.
//
// Section numbers follow the SDM edition whose debug chapter is Chapter 18
// ("Debug, Branch Profile, TSC, and Intel RDT Features"); editions up to 2021
// number it 17, editions from late 2024 number it 19. The titles are quoted so
// any edition can be searched.
//
// Two polarities exist for the same information:
//  - the raw register (what MOV from DR6 and the VMCB DR6 field hold), in which
//    RTM (bit 16) and BLD (bit 11) are active-low and other bits read as 1;
//  - "conditions": every set bit means "this happened". The VMX exit
//    qualification for #DB and the pending-debug-exceptions VMCS field use this
//    polarity for RTM and BLD (SDM Vol. 3C Table 28-1 "Exit Qualification for
//    Debug Exceptions", Table 25-4 "Format of Pending-Debug-Exceptions").
// core/ works in conditions; `to_conditions` / `from_conditions` are the only
// crossings, so the active-low bits are flipped in exactly one place.

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {
namespace dr6 {

// B0-B3: breakpoint condition n was met (SDM §18.2.3; APM §13.1.1.3). Intel may
// also set B_n for a breakpoint that DR7 does not enable, so only enabled ones
// are meaningful (see x86/debug_condition.hpp).
inline constexpr field<0> b0{};
inline constexpr field<1> b1{};
inline constexpr field<2> b2{};
inline constexpr field<3> b3{};
inline constexpr field<0, 4> breakpoint_hits{};

// BLD: bus-lock detected; active-low, cleared by a bus-lock #DB trap and left
// alone by every other #DB (SDM §18.2.3; APM §13.1.3.6 "Bus Lock Trap").
inline constexpr field<11> bld{};
// BD: the next instruction accesses a debug register while DR7.GD=1 (SDM §18.2.3,
// §18.3.1.3 "General-Detect Exception Condition"; APM §13.1.3.5).
inline constexpr field<13> bd{};
// BS: single-step trap, TF=1 (SDM §18.2.3, §18.3.1.4 "Single-Step Exception
// Condition"; APM §13.1.4 "Single Stepping"). Sticky: hardware never clears it.
inline constexpr field<14> bs{};
// BT: task switch to a TSS with T=1 (SDM §18.2.3, §18.3.1.5; APM §13.1.3.4).
inline constexpr field<15> bt{};
// RTM: #DB or #BP inside an RTM region with advanced RTM debugging enabled;
// active-low (SDM §18.2.3, §18.3.3 "Debug Exceptions, Breakpoint Exceptions, and
// Restricted Transactional Memory (RTM)"). Reserved-as-1 on AMD.
inline constexpr field<16> rtm{};

// The bits that hold 0 when their condition happened (SDM §18.2.3; APM §13.1.1.3).
inline constexpr std::uint64_t active_low_bits = bld.mask | rtm.mask;

// Bits 4-10 and 17-31 are reserved and read as 1; bit 12 and bits 63:32 read as
// 0 (SDM §18.2.3, Figure 18-1; APM §13.1.1.3: "31:16 RA1, 12 RAZ, 10:4 RA1").
inline constexpr std::uint64_t reserved_ones = 0xfffe'07f0U;

// DR6 after power-up, reset or INIT, and the pattern of "no condition recorded"
// (SDM Vol. 3A §10.1.1, Table 10-1; APM Table 14-1 "Initial Processor State").
// SVM stepping resets VMCB.DR6 to this before VMRUN to read causes exactly.
inline constexpr std::uint64_t init_value = reserved_ones | active_low_bits;
static_assert(init_value == 0xffff'0ff0U, "DR6 init value (SDM Table 10-1)");

// The conditions that decide a #DB's cause and class (SDM Table 18-2
// "Debug Exception Conditions"): B0-B3, BD, BS, BT.
inline constexpr std::uint64_t cause_bits = breakpoint_hits.mask | bd.mask | bs.mask | bt.mask;

// Every bit that carries a condition, in either polarity.
inline constexpr std::uint64_t condition_bits = cause_bits | active_low_bits;

// Raw DR6 → conditions: active-low bits flipped, reserved bits dropped.
constexpr std::uint64_t to_conditions(std::uint64_t raw) noexcept {
    return (raw ^ active_low_bits) & condition_bits;
}

// Conditions → the raw DR6 a #DB with exactly these conditions leaves behind
// when DR6 started at `init_value`. Bits outside `condition_bits` are dropped,
// notably bit 12 of the pending-debug-exceptions field ("enabled breakpoint"),
// which is reserved-as-0 in DR6.
constexpr std::uint64_t from_conditions(std::uint64_t conditions) noexcept {
    return reserved_ones | ((conditions & condition_bits) ^ active_low_bits);
}

// True when `raw` records no condition at all.
constexpr bool is_clear(std::uint64_t raw) noexcept { return to_conditions(raw) == 0; }

}  // namespace dr6
}  // namespace x86
}  // namespace v0
}  // namespace hvstep
