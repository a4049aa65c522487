#pragma once
// The architectural state of the simulated x86-64 processor: what the guest
// program can see and what the debug and interrupt machinery keeps between
// instructions. Bit positions are written out here from the manuals (not taken
// from hvstep's x86/ vocabulary) so that the oracle shares nothing with the
// code under test but the VMCB layout and VMCS field names.

#include <array>
#include <cstdint>

namespace hvstep {
inline namespace v0 {
namespace sim {

// RFLAGS (SDM Vol. 1 §3.4.3; APM Vol. 2 §3.1.6).
namespace fl {
inline constexpr std::uint64_t cf = 1u << 0, reserved1 = 1u << 1, pf = 1u << 2, af = 1u << 4, zf = 1u << 6,
                               sf = 1u << 7, tf = 1u << 8, if_ = 1u << 9, df = 1u << 10, of = 1u << 11,
                               iopl = 3u << 12, nt = 1u << 14, rf = 1u << 16, vm = 1u << 17, ac = 1u << 18,
                               id = 1u << 21;
inline constexpr std::uint64_t arith = cf | pf | af | zf | sf | of;
// What POPF/IRET may change in 64-bit mode at CPL 0 (SDM Vol. 2 "POPF" operation; VM/RF
// are not loaded by POPF, VIF/VIP are left alone here).
inline constexpr std::uint64_t popf_cpl0 = arith | tf | if_ | df | iopl | nt | ac | id;
}  // namespace fl

// DR6 / DR7 (SDM Vol. 3B §18.2.3, §18.2.4; APM Vol. 2 §13.1.1).
namespace dr {
inline constexpr std::uint64_t dr6_fixed = 0xFFFF0FF0;  // reads as 1 (RTM active-low at bit 16)
inline constexpr std::uint64_t b_mask = 0xF, bd = 1u << 13, bs = 1u << 14, bt = 1u << 15;
inline constexpr std::uint64_t dr7_fixed = 0x400;
inline constexpr std::uint64_t gd = 1u << 13;
constexpr bool enabled(std::uint64_t dr7, unsigned n) noexcept { return ((dr7 >> (2 * n)) & 3u) != 0; }
constexpr unsigned rw(std::uint64_t dr7, unsigned n) noexcept { return static_cast<unsigned>((dr7 >> (16 + 4 * n)) & 3u); }
constexpr unsigned len_bytes(std::uint64_t dr7, unsigned n) noexcept {
    switch ((dr7 >> (18 + 4 * n)) & 3u) {
        case 0: return 1;
        case 1: return 2;
        case 2: return 8;
        default: return 4;
    }
}
}  // namespace dr

namespace debugctl {
inline constexpr std::uint64_t btf = 1u << 1;  // SDM Vol. 3B §18.4.1 "IA32_DEBUGCTL MSR"
}

namespace msr {
inline constexpr std::uint32_t sysenter_cs = 0x174, sysenter_esp = 0x175, sysenter_eip = 0x176,
                               debugctl = 0x1D9, efer = 0xC0000080, star = 0xC0000081, lstar = 0xC0000082,
                               cstar = 0xC0000083, sfmask = 0xC0000084;
}

enum class vendor : std::uint8_t { intel, amd };

enum gpr : unsigned { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

// Segment selectors of the guest ABI's GDT (docs/guest-abi.md). The simulator has no
// descriptor tables beyond the IDT and the TSS's RSP0: these are the only legal values.
namespace sel {
inline constexpr std::uint16_t kernel_cs = 0x08, kernel_ss = 0x10, user_cs32 = 0x1B, user_ss = 0x23,
                               user_cs = 0x2B, tss = 0x30;
}

struct cpu_state {
    std::array<std::uint64_t, 16> gpr{};
    std::uint64_t rip = 0;
    std::uint64_t rflags = fl::reserved1;
    std::uint16_t cs = sel::kernel_cs, ss = sel::kernel_ss;
    std::array<std::uint64_t, 4> dr03{};
    std::uint64_t dr6 = dr::dr6_fixed, dr7 = dr::dr7_fixed;
    std::uint64_t cr2 = 0;
    std::uint64_t idt_base = 0;
    std::uint16_t idt_limit = 0;
    std::uint64_t tss_base = 0;
    std::uint64_t debugctl = 0;
    std::uint64_t efer = 0xD01;  // SCE | LME | LMA | NXE
    std::uint64_t star = 0, lstar = 0, cstar = 0, sfmask = 0;
    std::uint64_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;

    // Non-register state carried across instruction boundaries.
    bool sti_shadow = false;     // blocking by STI (SDM Vol. 3C §25.4.2)
    bool mov_ss_shadow = false;  // blocking by MOV SS / POP SS
    bool nmi_blocked = false;    // from NMI delivery until the next IRET (SDM Vol. 3A §6.7.1)
    bool halted = false;
    std::uint64_t pending_db = 0;  // recognised, undelivered debug traps (DR6 positive bits)

    unsigned cpl() const noexcept { return cs & 3u; }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
