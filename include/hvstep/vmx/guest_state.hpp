#pragma once
// Guest-state fields a single-stepper reads or must keep consistent: the
// interruptibility state (event shadows), the activity state, segment access
// rights (CPL, code-segment mode), and the VM-entry check that ties the
// pending single-step trap to RFLAGS.TF and IA32_DEBUGCTL.BTF.
// Intel SDM Vol. 3C §25.4.1 "Guest Register State", §25.4.2 "Guest Non-Register
// State", §27.3.1.5 "Checks on Guest Non-Register State".

#include <cstdint>

#include "hvstep/x86/bits.hpp"
#include "hvstep/vmx/exit_qualification.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

// Guest interruptibility state (0x4824) (§25.4.2, Table "Format of Interruptibility State").
namespace interruptibility {
// Bit 0: the STI shadow. Does not hold back a single-step trap.
inline constexpr x86::field<0> blocking_by_sti{};
// Bit 1: the MOV SS / POP SS shadow. Holds back debug traps, so one step spans two instructions.
inline constexpr x86::field<1> blocking_by_mov_ss{};
// Bit 2: blocking by SMI (set only in SMM).
inline constexpr x86::field<2> blocking_by_smi{};
// Bit 3: blocking by NMI (virtual-NMI blocking when the "virtual NMIs" control is 1).
inline constexpr x86::field<3> blocking_by_nmi{};
// Bit 4: the exit interrupted enclave execution.
inline constexpr x86::field<4> enclave_interruption{};
// Bits 31:5 are reserved; VM entry fails if any is set (§27.3.1.5).
inline constexpr std::uint64_t defined_bits = blocking_by_sti.mask | blocking_by_mov_ss.mask |
                                              blocking_by_smi.mask | blocking_by_nmi.mask |
                                              enclave_interruption.mask;
}  // namespace interruptibility

// Guest activity state (0x4826) (§25.4.2, "Activity state"). Which non-active
// states a processor supports is in IA32_VMX_MISC bits 8:6 (capabilities.hpp).
enum class activity_state : std::uint32_t { active = 0, hlt = 1, shutdown = 2, wait_for_sipi = 3 };

// Segment access-rights fields (0x4814-0x4822) (§25.4.1, Table "Format of Access Rights").
namespace segment_access_rights {
inline constexpr x86::field<0, 4> type{};
// Bit 4: descriptor type (0 = system, 1 = code or data).
inline constexpr x86::field<4> s{};
// Bits 6:5: DPL. SS.DPL is the guest's CPL (the VMCS has no CPL field, §25.4.1).
inline constexpr x86::field<5, 2> dpl{};
inline constexpr x86::field<7> present{};
inline constexpr x86::field<12> avl{};
// Bit 13: 64-bit code segment (CS only).
inline constexpr x86::field<13> l{};
// Bit 14: default operation size (0 = 16-bit, 1 = 32-bit).
inline constexpr x86::field<14> db{};
inline constexpr x86::field<15> g{};
// Bit 16: segment unusable (a null selector was loaded).
inline constexpr x86::field<16> unusable{};
}  // namespace segment_access_rights

// The VM-entry check on pending-debug-exceptions BS inside shadows and HLT
// (§27.3.1.5) is a step rule: it lives once, in core/entry_consistency.hpp.

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
