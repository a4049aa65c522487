#pragma once
// IA32_DEBUGCTL (Intel) / DebugCtl (AMD), MSR 0x1D9: the controls that change
// what TF means (BTF) and that produce #DB causes of their own.
// Intel SDM Vol. 3B §18.4.1 "IA32_DEBUGCTL MSR", Figure 18-3;
// AMD APM Vol. 2 §13.1.1.6 "Debug-Control MSR (DebugCtl)", Figure 13-4.
// (SDM numbering: the edition whose debug chapter is 18; see x86/dr6.hpp.)
//
// Bits 0-2, 11 and 12 mean the same on both vendors; bits 14 and 15 are
// Intel-only (reserved on AMD). Only the bits that bear on stepping or on #DB
// causes are named; a hypervisor saving and restoring the guest's value must
// carry every other bit through untouched.

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {
namespace debugctl {

// The MSR index on both vendors (SDM Vol. 4 Table 2-2 "IA-32 Architectural MSRs";
// APM Vol. 2 Table A-1 "MSRs of the AMD64 Architecture").
inline constexpr std::uint32_t msr_index = 0x1D9U;

// LBR: record the last branch/interrupt/exception. AMD clears it when a #DB is
// delivered (SDM §18.4.1; APM §13.1.1.6, §13.1.6.1 "Recording Control Transfers").
inline constexpr field<0> lbr{};
// BTF: with RFLAGS.TF=1, single-step on branches, interrupts and exceptions
// instead of on every instruction. The processor clears it when a #DB is
// delivered (SDM §18.4.1, §18.4.3 "Single-Stepping on Branches"; APM §13.1.1.6,
// §13.1.6.2 "Single Stepping Control Transfers").
inline constexpr field<1> btf{};
// Bus-lock detection (Intel "BLD", AMD "BLCKDB"): a #DB trap with DR6.BLD=0
// after an instruction that acquired a bus lock at CPL>0, so a stepped guest
// can see #DB causes other than BS (SDM §18.4.1, enumerated by
// CPUID.(EAX=7,ECX=0):ECX[24]; APM §13.1.1.6, §13.1.3.6 "Bus Lock Trap").
inline constexpr field<2> bus_lock_detect{};
// Freeze the LBR stack / the performance counters on a PMI (Intel
// FREEZE_LBRS_ON_PMI / FREEZE_PERFMON_ON_PMI, AMD FLBRI / FPMCI): named so a
// policy that rewrites DEBUGCTL to arm BTF can be checked to leave them as the
// guest set them (SDM §18.4.1, §18.4.7 "Freezing LBR and Performance Counters on PMI"; APM §13.1.1.6).
inline constexpr field<11> freeze_lbrs_on_pmi{};
inline constexpr field<12> freeze_perfmon_on_pmi{};
// FREEZE_WHILE_SMM (Intel only): counters and branch recording stop in SMM
// (SDM §18.4.1, enumerated by IA32_PERF_CAPABILITIES[12]).
inline constexpr field<14> freeze_while_smm{};
// RTM (Intel only): with DR7.RTM, advanced debugging of RTM regions; a #DB or
// #BP inside a transaction then rolls back to before XBEGIN and delivers #DB
// with DR6.RTM=0 (SDM §18.3.3, §18.4.1; SDM Vol. 1 §16.3.7 "RTM-Enabled Debugger
// Support").
inline constexpr field<15> rtm{};

// The bits whose value changes the behaviour of a TF single-step. BTF is the
// only one: with BTF=1, TF steps branches, and an STI/MOV-SS-shadow VM-entry
// check depends on it (SDM Vol. 3C §27.3.1.5 "Checks on Guest Non-Register State").
inline constexpr std::uint64_t step_mode_bits = btf.mask;

}  // namespace debugctl
}  // namespace x86
}  // namespace v0
}  // namespace hvstep
