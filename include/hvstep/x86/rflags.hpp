#pragma once
// RFLAGS: only the fields that decide or reveal single-stepping.
// Intel SDM Vol. 1 §3.4.3 "EFLAGS Register", Vol. 3A §2.3 "System Flags and Fields in the EFLAGS Register";
// AMD APM Vol. 2 §3.1.6 "RFLAGS Register".

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {
namespace rflags {

// Bit 1 always reads as 1 (SDM Vol. 1 §3.4.3, Figure 3-8).
inline constexpr field<1> reserved_one{};
// Trap flag: single-step trap after each instruction (SDM Vol. 3B §18.3.1.4; APM Vol. 2 §13.1.4).
inline constexpr field<8> tf{};
// Interrupt-enable flag (SDM Vol. 3A §6.8.1).
inline constexpr field<9> if_{};
// I/O privilege level (SDM Vol. 1 §3.4.3.3).
inline constexpr field<12, 2> iopl{};
// Nested task (SDM Vol. 3A §7.4).
inline constexpr field<14> nt{};
// Resume flag: suppresses instruction-breakpoint faults for one instruction (SDM Vol. 3B §18.3.1.1).
inline constexpr field<16> rf{};
// Virtual-8086 mode (SDM Vol. 3A §20.2.1).
inline constexpr field<17> vm{};

// The value of RFLAGS after reset (SDM Vol. 3A §10.1.1, Table 10-1): only the reserved one.
inline constexpr std::uint64_t reset_value = reserved_one.mask;

}  // namespace rflags
}  // namespace x86
}  // namespace v0
}  // namespace hvstep
