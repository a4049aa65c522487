#pragma once
// The part of x86 instruction decoding that every TF-relevant form needs:
// legacy prefixes, REX, effective operand/address size and the length of a
// ModRM memory operand. Not a general decoder: opcodes are x86/instruction.hpp's.
// Intel SDM Vol. 2A §2.1 "Instruction Format for Protected Mode, Real-Address
// Mode, and Virtual-8086 Mode", §2.2.1 "REX Prefixes"; SDM Vol. 1 §3.6
// "Operand-Size and Address-Size Attributes"; AMD APM Vol. 3 §1.1 "Instruction
// Encoding Overview", §1.2 "Instruction Prefixes", §1.4 "ModRM and SIB Bytes".

#include <cstddef>
#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {

// The default operand and address size of the code segment: CS.D in legacy and
// compatibility mode, CS.L in IA-32e mode (SDM Vol. 1 §3.6; APM Vol. 3 §1.1).
enum class code_size : std::uint8_t {
    bits16,
    bits32,
    bits64,
};

// An instruction longer than this raises #GP (SDM Vol. 3A §6.15 "Interrupt
// 13—General Protection Exception (#GP)"; APM Vol. 3 §1.1).
inline constexpr std::size_t max_instruction_length = 15;

// REX fields (SDM Vol. 2A §2.2.1, Table 2-4 "REX Prefix Fields"; APM Vol. 3 §1.2.7).
namespace rex {
inline constexpr field<3> w{};  // 64-bit operand size
inline constexpr field<2> r{};  // extends ModRM.reg
inline constexpr field<1> x{};  // extends SIB.index
inline constexpr field<0> b{};  // extends ModRM.rm / SIB.base
}  // namespace rex

// ModRM and SIB fields (SDM Vol. 2A §2.1.5, Figure 2-1; APM Vol. 3 §1.4).
namespace modrm {
inline constexpr field<6, 2> mod{};
inline constexpr field<3, 3> reg{};
inline constexpr field<0, 3> rm{};
}  // namespace modrm
namespace sib {
inline constexpr field<6, 2> scale{};
inline constexpr field<3, 3> index{};
inline constexpr field<0, 3> base{};
}  // namespace sib

// Whether byte `index` of the instruction can be read: past the 15-byte limit
// the instruction is invalid whatever follows; past the window it is unknown.
enum class fetch_status : std::uint8_t {
    ok,
    truncated,
    too_long,
};

constexpr fetch_status can_fetch(std::size_t index, std::size_t available) noexcept {
    if (index >= max_instruction_length) {
        return fetch_status::too_long;
    }
    return index < available ? fetch_status::ok : fetch_status::truncated;
}

// The legacy prefixes (SDM Vol. 2A §2.1.1 "Instruction Prefixes"; APM Vol. 3 §1.2).
constexpr bool is_legacy_prefix(std::uint8_t b) noexcept {
    switch (b) {
        case 0xF0:  // LOCK
        case 0xF2:  // REPNE/REPNZ
        case 0xF3:  // REP/REPE/REPZ
        case 0x2E:  // CS override (branch hint)
        case 0x36:  // SS override
        case 0x3E:  // DS override (branch hint)
        case 0x26:  // ES override
        case 0x64:  // FS override
        case 0x65:  // GS override
        case 0x66:  // operand-size override
        case 0x67:  // address-size override
            return true;
        default:
            return false;
    }
}

// 40-4F are REX prefixes only in 64-bit mode; elsewhere they are INC/DEC
// (SDM Vol. 2A §2.2.1; APM Vol. 3 §1.2.7).
constexpr bool is_rex(std::uint8_t b, code_size size) noexcept {
    return size == code_size::bits64 && (b & 0xF0U) == 0x40U;
}

struct prefixes {
    std::uint8_t count = 0;      // prefix bytes, legacy and REX; the opcode starts here
    bool operand_size = false;   // 66
    bool address_size = false;   // 67
    bool lock = false;           // F0
    bool rep = false;            // F2 or F3 present
    bool repne = false;          // of F2/F3, the last one was F2
    std::uint8_t segment = 0;    // the last segment-override byte, 0 if none
    std::uint8_t rex = 0;        // the REX byte in effect, 0 if none
    fetch_status status = fetch_status::ok;  // how the prefix scan ended
};

// Scans the prefixes at the start of `bytes`. A REX prefix counts only when it
// immediately precedes the opcode; one followed by another prefix is ignored
// (SDM Vol. 2A §2.2.1; APM Vol. 3 §1.2.7). Only one prefix per group is
// meaningful; with several F2/F3, hvstep takes the last, as the manuals leave
// the combination unspecified (SDM Vol. 2A §2.1.1).
constexpr prefixes decode_prefixes(const std::uint8_t* bytes, std::size_t available,
                                   code_size size) noexcept {
    prefixes p{};
    if (bytes == nullptr) {
        available = 0;
    }
    for (std::size_t i = 0;; ++i) {
        p.status = can_fetch(i, available);
        if (p.status != fetch_status::ok) {
            p.count = static_cast<std::uint8_t>(i);
            return p;
        }
        const std::uint8_t b = bytes[i];
        if (is_rex(b, size)) {
            p.rex = b;
            continue;
        }
        if (!is_legacy_prefix(b)) {
            p.count = static_cast<std::uint8_t>(i);
            return p;
        }
        p.rex = 0;
        switch (b) {
            case 0x66: p.operand_size = true; break;
            case 0x67: p.address_size = true; break;
            case 0xF0: p.lock = true; break;
            case 0xF2: p.rep = true; p.repne = true; break;
            case 0xF3: p.rep = true; p.repne = false; break;
            default: p.segment = b; break;
        }
    }
}

// The effective operand size for an instruction that follows the general rule
// (SDM Vol. 1 §3.6, Table 3-4 "Effective Operand- and Address-Size Attributes
// in 64-Bit Mode"; APM Vol. 3 §1.2.2): REX.W gives 64 and beats 66h; in 64-bit
// mode the default is 32.
constexpr unsigned operand_size_bits(code_size size, const prefixes& p) noexcept {
    switch (size) {
        case code_size::bits64:
            return rex::w.is_set(p.rex) ? 64U : (p.operand_size ? 16U : 32U);
        case code_size::bits32:
            return p.operand_size ? 16U : 32U;
        case code_size::bits16:
            return p.operand_size ? 32U : 16U;
    }
    return 32U;
}

// The effective address size: 67h toggles 16/32 in legacy and compatibility
// mode and selects 32 in 64-bit mode (SDM Vol. 1 §3.6, Table 3-4; APM Vol. 3 §1.2.3).
constexpr unsigned address_size_bits(code_size size, const prefixes& p) noexcept {
    switch (size) {
        case code_size::bits64:
            return p.address_size ? 32U : 64U;
        case code_size::bits32:
            return p.address_size ? 16U : 32U;
        case code_size::bits16:
            return p.address_size ? 32U : 16U;
    }
    return 32U;
}

// A ModRM operand: the ModRM byte, its SIB byte if any, and the displacement.
struct modrm_operand {
    fetch_status status = fetch_status::ok;
    std::uint8_t modrm = 0;
    std::uint8_t length = 0;  // ModRM + SIB + displacement bytes
};

// Decodes the ModRM byte at `bytes[at]` and, for a memory operand, its SIB byte,
// to find the operand's length. Displacement bytes are counted, not read.
// 16-bit addressing: SDM Vol. 2A Table 2-1 "16-Bit Addressing Forms with the
// ModR/M Byte" (mod=00 rm=110 is disp16). 32/64-bit addressing: Tables 2-2 and
// 2-3 (rm=100 brings a SIB byte; mod=00 rm=101 is disp32, RIP-relative in 64-bit
// mode; SIB base=101 with mod=00 is disp32). REX.B does not change these special
// cases (SDM Vol. 2A Table 2-5 "Special Cases of REX Encodings"); APM Vol. 3 §1.4.
constexpr modrm_operand decode_modrm(const std::uint8_t* bytes, std::size_t available,
                                     std::size_t at, unsigned address_bits) noexcept {
    modrm_operand m{};
    m.status = can_fetch(at, available);
    if (m.status != fetch_status::ok) {
        return m;
    }
    m.modrm = bytes[at];
    const auto mod = modrm::mod.get(m.modrm);
    const auto rm = modrm::rm.get(m.modrm);
    std::size_t length = 1;
    if (mod != 3U) {
        if (address_bits == 16U) {
            if (mod == 1U) {
                length += 1;
            } else if (mod == 2U || rm == 6U) {
                length += 2;
            }
        } else {
            if (rm == 4U) {
                m.status = can_fetch(at + 1, available);
                if (m.status != fetch_status::ok) {
                    return m;
                }
                length += 1;
                if (mod == 0U && sib::base.get(bytes[at + 1]) == 5U) {
                    length += 4;
                }
            } else if (mod == 0U && rm == 5U) {
                length += 4;
            }
            if (mod == 1U) {
                length += 1;
            } else if (mod == 2U) {
                length += 4;
            }
        }
    }
    m.length = static_cast<std::uint8_t>(length);
    return m;
}

}  // namespace x86
}  // namespace v0
}  // namespace hvstep
