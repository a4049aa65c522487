#pragma once
// The VMCB intercept vectors (control area 000h-013h): AMD APM Vol. 2 Appendix B, Table B-1
// "VMCB Layout, Control Area"; §15.9 "Instruction Intercepts", §15.12 "Exception Intercepts",
// §15.13 "Interrupt Intercepts". A set bit makes the event exit with the matching code of
// svm/exit_code.hpp. Any change to these words must clear clean::intercepts (§15.15.3).

#include <cstdint>

#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace svm {

// Intercept word at 00Ch: bit n <-> exit code 60h + n.
namespace misc1 {
inline constexpr x86::field<0> intr{};
inline constexpr x86::field<1> nmi{};
inline constexpr x86::field<2> smi{};
inline constexpr x86::field<3> init{};
inline constexpr x86::field<4> vintr{};
inline constexpr x86::field<5> cr0_sel_write{};  // CR0 writes changing bits other than TS/MP
inline constexpr x86::field<6> idtr_read{};
inline constexpr x86::field<7> gdtr_read{};
inline constexpr x86::field<8> ldtr_read{};
inline constexpr x86::field<9> tr_read{};
inline constexpr x86::field<10> idtr_write{};
inline constexpr x86::field<11> gdtr_write{};
inline constexpr x86::field<12> ldtr_write{};
inline constexpr x86::field<13> tr_write{};
inline constexpr x86::field<14> rdtsc{};
inline constexpr x86::field<15> rdpmc{};
// PUSHF and POPF intercepts take priority over every exception (§15.9, Table 15-7): the pushed
// image can be fixed before the guest sees a hypervisor-owned TF.
inline constexpr x86::field<16> pushf{};
inline constexpr x86::field<17> popf{};
inline constexpr x86::field<18> cpuid{};
inline constexpr x86::field<19> rsm{};
inline constexpr x86::field<20> iret{};
// INTn (opcode CDh) only, checked before any exception, with CS:rIP of the INTn (Table 15-7).
inline constexpr x86::field<21> intn{};
inline constexpr x86::field<22> invd{};
inline constexpr x86::field<23> pause{};
inline constexpr x86::field<24> hlt{};
inline constexpr x86::field<25> invlpg{};
inline constexpr x86::field<26> invlpga{};
inline constexpr x86::field<27> ioio_prot{};  // IN/OUT/INS/OUTS through the IOPM (§15.10)
inline constexpr x86::field<28> msr_prot{};   // RDMSR/WRMSR through the MSRPM (§15.11)
inline constexpr x86::field<29> task_switch{};
inline constexpr x86::field<30> ferr_freeze{};
inline constexpr x86::field<31> shutdown{};
}  // namespace misc1

// Intercept word at 010h: bit n <-> exit code 80h + n.
namespace misc2 {
inline constexpr x86::field<0> vmrun{};  // required to be set by current implementations (Table 15-7)
inline constexpr x86::field<1> vmmcall{};
inline constexpr x86::field<2> vmload{};
inline constexpr x86::field<3> vmsave{};
inline constexpr x86::field<4> stgi{};
inline constexpr x86::field<5> clgi{};
inline constexpr x86::field<6> skinit{};
inline constexpr x86::field<7> rdtscp{};
// ICEBP (INT1, F1h) dispatches through vector 1 but is not seen by the #DB exception intercept
// (§15.12.2): a stepper that must tell it apart from a single-step needs this bit.
inline constexpr x86::field<8> icebp{};
inline constexpr x86::field<9> wbinvd{};  // WBINVD and WBNOINVD
inline constexpr x86::field<10> monitor{};
inline constexpr x86::field<11> mwait{};
inline constexpr x86::field<12> mwait_conditional{};
inline constexpr x86::field<13> xsetbv{};
inline constexpr x86::field<14> rdpru{};
inline constexpr x86::field<15> efer_write_trap{};
}  // namespace misc2

// Exception intercept word (008h): bit n intercepts vector n (§15.12). Vectors >= 32 are external
// or software interrupts, which never check exception intercepts, so they map to no bit (0).
constexpr std::uint32_t exception_intercept_bit(std::uint8_t vector) noexcept {
    return vector < 32U ? std::uint32_t{1} << vector : 0U;
}

// CR intercept word (000h): reads of CRn in bits 15:0, writes in bits 31:16. 0 for n >= 16.
constexpr std::uint32_t cr_read_bit(std::uint8_t n) noexcept { return n < 16U ? std::uint32_t{1} << n : 0U; }
constexpr std::uint32_t cr_write_bit(std::uint8_t n) noexcept {
    return n < 16U ? std::uint32_t{1} << (n + 16U) : 0U;
}

// DR intercept word (004h): reads of DRn in bits 15:0, writes in bits 31:16. 0 for n >= 16.
// Only MOV DRn is intercepted; the processor's own DR6/DR7 updates are not (Table 15-7).
constexpr std::uint32_t dr_read_bit(std::uint8_t n) noexcept { return n < 16U ? std::uint32_t{1} << n : 0U; }
constexpr std::uint32_t dr_write_bit(std::uint8_t n) noexcept {
    return n < 16U ? std::uint32_t{1} << (n + 16U) : 0U;
}

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
