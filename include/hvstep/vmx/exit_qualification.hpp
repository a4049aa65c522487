#pragma once
// The debug-related exit qualifications and the pending-debug-exceptions field:
// the three places VMX reports #DB causes instead of writing the guest's DR6.
// Intel SDM Vol. 3C §28.2.1 "Basic VM-Exit Information" (Tables "Exit
// Qualification for Debug Exceptions" and "Exit Qualification for MOV DR") and
// §25.4.2 "Guest Non-Register State" (Table "Format of Pending-Debug-Exceptions").
//
// All of these bits have positive polarity, including RTM (bit 16), which is
// active-low in DR6 itself (SDM Vol. 3B §18.2.3 "Debug Status Register (DR6)").
// B0-B3, BD and BS sit at the DR6 bit positions, but nothing here is DR6: the
// processor updates the guest's DR6 neither on these exits nor on event
// injection, so the hypervisor merges the bits it decides to deliver.

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

// Exit qualification of a VM exit caused by a #DB (exit reason 0, vector 1,
// type hardware exception) (§28.2.1, Table "Exit Qualification for Debug Exceptions").
namespace debug_qualification {
// Bits 3:0: breakpoint condition N was met. As in DR6, a bit may be set even
// if DR7 does not enable breakpoint N.
inline constexpr x86::field<0> b0{};
inline constexpr x86::field<1> b1{};
inline constexpr x86::field<2> b2{};
inline constexpr x86::field<3> b3{};
inline constexpr x86::field<0, 4> breakpoints{};
// Bit 13: debug-register access detected (DR7.GD); the #DB is a fault.
inline constexpr x86::field<13> bd{};
// Bit 14: single-step trap (TF, or BTF+TF on a taken branch).
inline constexpr x86::field<14> bs{};
// Bit 16: the #DB or #BP occurred inside an RTM region with advanced RTM debugging enabled.
inline constexpr x86::field<16> rtm{};
// Every bit the table defines; the rest are reserved and read as 0.
inline constexpr std::uint64_t defined_bits = breakpoints.mask | bd.mask | bs.mask | rtm.mask;
}  // namespace debug_qualification

// Guest pending-debug-exceptions field (0x6822) (§25.4.2, Table "Format of
// Pending-Debug-Exceptions"). It holds debug traps that the processor
// recognised but has not delivered, e.g. a TF trap held back by an MTF exit
// (which has priority over pending debug traps) or by MOV-SS blocking; VM entry
// delivers them (§27.7.3 "Delivery of Pending Debug Exceptions after VM Entry").
namespace pending_debug_exceptions {
// Bits 3:0: breakpoint condition N was met (data or I/O breakpoints; enabled or not).
inline constexpr x86::field<0> b0{};
inline constexpr x86::field<1> b1{};
inline constexpr x86::field<2> b2{};
inline constexpr x86::field<3> b3{};
inline constexpr x86::field<0, 4> breakpoints{};
// Bit 12: at least one data or I/O breakpoint was met and enabled in DR7.
inline constexpr x86::field<12> enabled_breakpoint{};
// Bit 14: a single-step trap is pending. VM entry checks it against RFLAGS.TF
// and IA32_DEBUGCTL.BTF under STI/MOV-SS blocking or HLT (§27.3.1.5; see guest_state.hpp).
inline constexpr x86::field<14> bs{};
// Bit 16: a #DB or #BP inside an RTM region is pending.
inline constexpr x86::field<16> rtm{};
// Every bit the table defines; VM entry fails if any other bit is set (§27.3.1.5
// "Checks on Guest Non-Register State").
inline constexpr std::uint64_t defined_bits = breakpoints.mask | enabled_breakpoint.mask | bs.mask | rtm.mask;
}  // namespace pending_debug_exceptions

// Exit qualification of a MOV-DR exit (exit reason 29) (§28.2.1, Table "Exit
// Qualification for MOV DR").
namespace mov_dr_qualification {
// Bits 2:0: the debug register (0-7).
inline constexpr x86::field<0, 3> debug_register{};
// Bit 4: direction of access (see `mov_dr_direction`).
inline constexpr x86::field<4> direction{};
// Bits 11:8: the general-purpose register, 0 = RAX, 1 = RCX, 2 = RDX, 3 = RBX,
// 4 = RSP, 5 = RBP, 6 = RSI, 7 = RDI, 8-15 = R8-R15.
inline constexpr x86::field<8, 4> general_purpose_register{};
}  // namespace mov_dr_qualification

enum class mov_dr_direction : std::uint8_t { to_dr = 0, from_dr = 1 };

constexpr std::uint8_t mov_dr_debug_register(std::uint64_t qualification) noexcept {
    return static_cast<std::uint8_t>(mov_dr_qualification::debug_register.get(qualification));
}

constexpr mov_dr_direction mov_dr_direction_of(std::uint64_t qualification) noexcept {
    return static_cast<mov_dr_direction>(mov_dr_qualification::direction.get(qualification));
}

constexpr std::uint8_t mov_dr_general_purpose_register(std::uint64_t qualification) noexcept {
    return static_cast<std::uint8_t>(mov_dr_qualification::general_purpose_register.get(qualification));
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
