#pragma once
// Decoder for the simulator's x86-64 subset (64-bit mode only). Opcodes from
// the Intel SDM Vol. 2 Appendix A "Opcode Map" and the AMD APM Vol. 3
// Appendix A. It decodes exactly the forms listed in docs/guest-abi.md and
// refuses everything else: the caller stops the run naming the bytes and the
// address, it never guesses. Written independently of x86/instruction.hpp.

#include <cstdint>
#include <cstdio>
#include <string>

namespace hvstep {
inline namespace v0 {
namespace sim {

enum class op : std::uint8_t {
    nop, alu, test, inc, dec, mov, lea, push, pop, pushf, popf, iret, jmp, jcc, call, ret,
    int_n, int3, int1, sti, cli, mov_to_ss, mov_from_ss, hlt, cpuid, in, out, rdmsr, wrmsr,
    movs, stos, syscall, sysret, sysenter, mov_to_dr, mov_from_dr, ud2, div, shl, shr,
    pop_ss,  // 17: #UD in 64-bit mode (SDM Vol. 2 "POP")
};

enum class alu_op : std::uint8_t { add = 0, or_ = 1, adc = 2, sbb = 3, and_ = 4, sub = 5, xor_ = 6, cmp = 7 };

struct operand {
    enum kind_t : std::uint8_t { k_none, k_reg, k_mem, k_imm } kind = k_none;
    std::uint8_t reg = 0;    // reg: GPR number; high8: AH/CH/DH/BH
    bool high8 = false;
    std::uint8_t base = 0xFF, index = 0xFF, scale = 1;  // mem: 0xFF = none
    bool rip_relative = false;
    std::int64_t disp = 0;
    std::uint64_t value = 0;  // imm (sign-extended to 64 bits where the opcode says so)
};

inline operand reg_op(unsigned n) {
    operand o{};
    o.kind = operand::k_reg;
    o.reg = static_cast<std::uint8_t>(n);
    return o;
}

struct insn {
    op code = op::nop;
    std::uint8_t length = 0;
    std::uint8_t size = 8;  // operand size in bytes
    alu_op alu = alu_op::add;
    operand dst{}, src{};
    std::uint64_t target = 0;  // jmp/jcc/call rel: absolute target
    std::uint8_t cc = 0;       // jcc condition (low nibble of the opcode)
    bool rep = false;
    std::uint8_t vector = 0;  // int_n
    bool port_in_dx = false;
    std::uint8_t port = 0;
    std::uint8_t dreg = 0;   // mov DR: debug register number
    std::uint16_t imm16 = 0; // ret imm16
    bool rex_w = false;
};

struct decode_result {
    bool ok = false;
    insn i{};
    std::string error;  // when !ok: what is outside the subset
};

namespace detail {

struct cursor {
    const std::uint8_t* p;
    unsigned n, at = 0;
    bool short_read = false;
    std::uint8_t u8() { if (at >= n) { short_read = true; return 0; } return p[at++]; }
    std::uint64_t le(unsigned bytes) {
        std::uint64_t v = 0;
        for (unsigned k = 0; k < bytes; ++k) v |= std::uint64_t{u8()} << (8 * k);
        return v;
    }
    std::int64_t s8() { return static_cast<std::int8_t>(u8()); }
    std::int64_t s32() { return static_cast<std::int32_t>(static_cast<std::uint32_t>(le(4))); }
};

struct modrm_t {
    unsigned mod, reg, rm;
};

// ModRM + SIB + displacement (SDM Vol. 2 §2.2.1 "REX Prefixes", Tables 2-2/2-3 and 2-5).
inline operand decode_rm(cursor& c, modrm_t m, unsigned rex, bool byte_op) {
    operand o{};
    if (m.mod == 3) {
        o.kind = operand::k_reg;
        o.reg = static_cast<std::uint8_t>(m.rm | ((rex & 1u) << 3));
        o.high8 = byte_op && rex == 0 && m.rm >= 4 && m.rm <= 7;
        if (o.high8) o.reg = static_cast<std::uint8_t>(m.rm - 4);
        return o;
    }
    o.kind = operand::k_mem;
    unsigned rm = m.rm;
    if (rm == 4) {
        const std::uint8_t sib = c.u8();
        const unsigned scale = sib >> 6, index = ((sib >> 3) & 7u) | ((rex & 2u) << 2), base = sib & 7u;
        if (index != 4) { o.index = static_cast<std::uint8_t>(index); o.scale = static_cast<std::uint8_t>(1u << scale); }
        if (base == 5 && m.mod == 0) {
            o.disp = c.s32();
            return o;
        }
        o.base = static_cast<std::uint8_t>(base | ((rex & 1u) << 3));
    } else if (rm == 5 && m.mod == 0) {
        o.rip_relative = true;
        o.disp = c.s32();
        return o;
    } else {
        o.base = static_cast<std::uint8_t>(rm | ((rex & 1u) << 3));
    }
    if (m.mod == 1) o.disp = c.s8();
    if (m.mod == 2) o.disp = c.s32();
    return o;
}

inline operand reg_operand(unsigned r, unsigned rex_bit, unsigned rex, bool byte_op) {
    operand o{};
    o.kind = operand::k_reg;
    o.reg = static_cast<std::uint8_t>(r | (rex_bit << 3));
    o.high8 = byte_op && rex == 0 && r >= 4 && r <= 7;
    if (o.high8) o.reg = static_cast<std::uint8_t>(r - 4);
    return o;
}

inline operand imm_operand(std::uint64_t v) {
    operand o{};
    o.kind = operand::k_imm;
    o.value = v;
    return o;
}

inline std::uint64_t sext(std::int64_t v) { return static_cast<std::uint64_t>(v); }

}  // namespace detail

// "48 8b 05 ..." for error messages.
inline std::string hex_bytes(const std::uint8_t* p, unsigned n) {
    std::string s;
    char b[4];
    for (unsigned k = 0; k < n; ++k) {
        std::snprintf(b, sizeof b, k ? " %02x" : "%02x", p[k]);
        s += b;
    }
    return s;
}

// Decodes one instruction at `rip` from `n` (<= 15) fetched bytes.
inline decode_result decode(const std::uint8_t* bytes, unsigned n, std::uint64_t rip) {
    using namespace detail;
    decode_result r{};
    cursor c{bytes, n};
    bool opsize16 = false, rep = false;
    unsigned rex = 0;
    auto fail = [&](const char* why) {
        r.ok = false;
        r.error = why;
        return r;
    };
    std::uint8_t b = c.u8();
    for (;;) {
        if (b == 0x66) opsize16 = true;
        else if (b == 0xF3) rep = true;
        else if (b == 0xF2 || b == 0xF0 || b == 0x2E || b == 0x3E || b == 0x26 || b == 0x36 || b == 0x64 ||
                 b == 0x65 || b == 0x67)
            return fail("prefix outside the subset");
        else break;
        b = c.u8();
    }
    if ((b & 0xF0) == 0x40) {
        rex = b & 0xFu;
        b = c.u8();
    }
    insn& i = r.i;
    i.rex_w = (rex & 8u) != 0;
    const std::uint8_t osz = i.rex_w ? 8 : opsize16 ? 2 : 4;
    i.size = osz;
    i.rep = rep;
    auto modrm = [&]() {
        const std::uint8_t m = c.u8();
        return modrm_t{static_cast<unsigned>(m >> 6u), static_cast<unsigned>((m >> 3u) & 7u), static_cast<unsigned>(m & 7u)};
    };
    auto imm_of = [&](unsigned size) -> std::uint64_t {  // imm8/16/32 sign-extended; never imm64
        if (size == 1) return sext(c.s8());
        if (size == 2) return c.le(2);
        return sext(c.s32());
    };
    bool rep_ok = false;
    if (b <= 0x3D && (b & 7u) <= 5 && b != 0x0F && (b & 0xC0) == 0) {  // ALU block 00-3D
        i.code = op::alu;
        i.alu = static_cast<alu_op>(b >> 3);
        const bool byte_op = (b & 1u) == 0;
        if (byte_op) i.size = 1;
        switch (b & 7u) {
            case 0: case 1: { auto m = modrm(); i.dst = decode_rm(c, m, rex, byte_op); i.src = reg_operand(m.reg, (rex >> 2) & 1u, rex, byte_op); break; }
            case 2: case 3: { auto m = modrm(); i.src = decode_rm(c, m, rex, byte_op); i.dst = reg_operand(m.reg, (rex >> 2) & 1u, rex, byte_op); break; }
            case 4: case 5: i.dst = reg_operand(0, 0, rex, false); i.src = imm_operand(imm_of(i.size)); break;
        }
    } else if (b >= 0x50 && b <= 0x5F) {
        i.code = b < 0x58 ? op::push : op::pop;
        i.size = opsize16 ? 2 : 8;
        i.dst = reg_operand(b & 7u, rex & 1u, 1, false);
    } else if (b == 0x68 || b == 0x6A) {
        i.code = op::push;
        i.size = opsize16 ? 2 : 8;
        i.src = imm_operand(b == 0x6A ? sext(c.s8()) : opsize16 ? c.le(2) : sext(c.s32()));
    } else if ((b >= 0x70 && b <= 0x7F) || b == 0xEB || b == 0xE9 || b == 0xE8) {
        const std::int64_t rel = (b == 0xE9 || b == 0xE8) ? c.s32() : c.s8();
        i.code = b == 0xE8 ? op::call : (b == 0xEB || b == 0xE9) ? op::jmp : op::jcc;
        i.cc = b & 0xFu;
        i.target = rip + c.at + sext(rel);
    } else if (b >= 0x80 && b <= 0x83 && b != 0x82) {
        auto m = modrm();
        const bool byte_op = b == 0x80;
        if (byte_op) i.size = 1;
        i.code = op::alu;
        i.alu = static_cast<alu_op>(m.reg);
        i.dst = decode_rm(c, m, rex, byte_op);
        i.src = imm_operand(b == 0x81 ? imm_of(i.size == 2 ? 2 : 4) : imm_of(1));
    } else if (b == 0x84 || b == 0x85) {
        auto m = modrm();
        const bool byte_op = b == 0x84;
        if (byte_op) i.size = 1;
        i.code = op::test;
        i.dst = decode_rm(c, m, rex, byte_op);
        i.src = reg_operand(m.reg, (rex >> 2) & 1u, rex, byte_op);
    } else if (b == 0xA8 || b == 0xA9) {
        i.code = op::test;
        if (b == 0xA8) i.size = 1;
        i.dst = reg_operand(0, 0, rex, false);
        i.src = imm_operand(imm_of(i.size == 8 ? 4 : i.size));
    } else if (b >= 0x88 && b <= 0x8B) {
        auto m = modrm();
        const bool byte_op = (b & 1u) == 0;
        if (byte_op) i.size = 1;
        i.code = op::mov;
        operand rm = decode_rm(c, m, rex, byte_op), rg = reg_operand(m.reg, (rex >> 2) & 1u, rex, byte_op);
        if (b <= 0x89) { i.dst = rm; i.src = rg; } else { i.dst = rg; i.src = rm; }
    } else if (b == 0x8C || b == 0x8E) {
        auto m = modrm();
        if (m.reg != 2) return fail("segment register other than SS");
        i.code = b == 0x8E ? op::mov_to_ss : op::mov_from_ss;
        i.size = b == 0x8E ? 2 : (m.mod == 3 ? osz : 2);
        i.dst = decode_rm(c, m, rex, false);
    } else if (b == 0x8D) {
        auto m = modrm();
        if (m.mod == 3) return fail("LEA with a register operand (#UD)");
        i.code = op::lea;
        i.src = decode_rm(c, m, rex, false);
        i.dst = reg_operand(m.reg, (rex >> 2) & 1u, rex, false);
    } else if (b == 0x8F) {
        auto m = modrm();
        if (m.reg != 0) return fail("8F /r other than POP r/m");
        i.code = op::pop;
        i.size = opsize16 ? 2 : 8;
        i.dst = decode_rm(c, m, rex, false);
    } else if (b == 0x90 && rex == 0) {
        i.code = op::nop;
    } else if (b == 0x9C || b == 0x9D) {
        // 64-bit mode: default 64, 66h gives 16; PUSHFD/POPFD do not exist (SDM Vol. 2 "PUSHF").
        i.code = b == 0x9C ? op::pushf : op::popf;
        i.size = opsize16 && !i.rex_w ? 2 : 8;
    } else if (b >= 0xB0 && b <= 0xBF) {
        i.code = op::mov;
        const bool byte_op = b < 0xB8;
        if (byte_op) i.size = 1;
        i.dst = reg_operand(b & 7u, rex & 1u, rex, byte_op);
        i.src = imm_operand(byte_op ? c.u8() : i.size == 8 ? c.le(8) : c.le(i.size));
    } else if (b == 0xC3 || b == 0xC2) {
        i.code = op::ret;
        if (b == 0xC2) i.imm16 = static_cast<std::uint16_t>(c.le(2));
    } else if (b == 0xC6 || b == 0xC7) {
        auto m = modrm();
        if (m.reg != 0) return fail("C6/C7 /r other than MOV r/m, imm");
        const bool byte_op = b == 0xC6;
        if (byte_op) i.size = 1;
        i.code = op::mov;
        i.dst = decode_rm(c, m, rex, byte_op);
        i.src = imm_operand(imm_of(i.size == 8 ? 4 : i.size));
    } else if (b == 0xCC) {
        i.code = op::int3;
    } else if (b == 0xCD) {
        i.code = op::int_n;
        i.vector = c.u8();
    } else if (b == 0xCF) {
        if (!i.rex_w) return fail("IRET/IRETD (only IRETQ, 48 CF, is in the subset)");
        i.code = op::iret;
    } else if (b == 0x17) {
        i.code = op::pop_ss;
    } else if (b == 0xF1) {
        i.code = op::int1;
    } else if (b == 0xF4) {
        i.code = op::hlt;
    } else if (b == 0xFA || b == 0xFB) {
        i.code = b == 0xFA ? op::cli : op::sti;
    } else if (b == 0xE4 || b == 0xE5 || b == 0xE6 || b == 0xE7 || b == 0xEC || b == 0xED || b == 0xEE || b == 0xEF) {
        i.code = (b & 2u) ? op::out : op::in;
        i.size = (b & 1u) ? (opsize16 ? 2 : 4) : 1;
        i.port_in_dx = b >= 0xEC;
        if (!i.port_in_dx) i.port = c.u8();
    } else if (b == 0xA4 || b == 0xA5 || b == 0xAA || b == 0xAB) {
        i.code = b <= 0xA5 ? op::movs : op::stos;
        if ((b & 1u) == 0) i.size = 1;
        rep_ok = true;
    } else if (b == 0xF6 || b == 0xF7) {
        auto m = modrm();
        const bool byte_op = b == 0xF6;
        if (byte_op) i.size = 1;
        i.dst = decode_rm(c, m, rex, byte_op);
        if (m.reg == 0) {
            i.code = op::test;
            i.src = imm_operand(imm_of(i.size == 8 ? 4 : i.size));
        } else if (m.reg == 6 && !byte_op) {
            i.code = op::div;
        } else {
            return fail("F6/F7 form outside the subset (TEST, DIV r/m16/32/64 only)");
        }
    } else if (b == 0xC0 || b == 0xC1 || b == 0xD0 || b == 0xD1) {
        auto m = modrm();
        const bool byte_op = (b & 1u) == 0;
        if (byte_op) i.size = 1;
        if (m.reg != 4 && m.reg != 5) return fail("shift/rotate other than SHL/SHR");
        i.code = m.reg == 4 ? op::shl : op::shr;
        i.dst = decode_rm(c, m, rex, byte_op);
        i.src = imm_operand(b <= 0xC1 ? c.u8() : 1u);
    } else if (b == 0xFE || b == 0xFF) {
        auto m = modrm();
        const bool byte_op = b == 0xFE;
        if (byte_op) i.size = 1;
        i.dst = decode_rm(c, m, rex, byte_op);
        switch (m.reg) {
            case 0: i.code = op::inc; break;
            case 1: i.code = op::dec; break;
            case 2: if (byte_op) return fail("FE /2"); i.code = op::call; i.size = 8; break;
            case 4: if (byte_op) return fail("FE /4"); i.code = op::jmp; i.size = 8; break;
            case 6: if (byte_op) return fail("FE /6"); i.code = op::push; i.size = opsize16 ? 2 : 8; i.src = i.dst; i.dst = {}; break;
            default: return fail("FE/FF form outside the subset");
        }
        if (i.code == op::call || i.code == op::jmp) { i.src = i.dst; i.dst = {}; }
    } else if (b == 0x0F) {
        const std::uint8_t b2 = c.u8();
        if (b2 >= 0x80 && b2 <= 0x8F) {
            i.code = op::jcc;
            i.cc = b2 & 0xFu;
            const std::int64_t rel = c.s32();
            i.target = rip + c.at + sext(rel);
        } else if (b2 == 0x1F) {
            auto m = modrm();
            (void)decode_rm(c, m, rex, false);
            i.code = op::nop;
        } else if (b2 == 0x05) { i.code = op::syscall;
        } else if (b2 == 0x07) { i.code = op::sysret;
        } else if (b2 == 0x34) { i.code = op::sysenter;
        } else if (b2 == 0xA2) { i.code = op::cpuid;
        } else if (b2 == 0x30) { i.code = op::wrmsr;
        } else if (b2 == 0x32) { i.code = op::rdmsr;
        } else if (b2 == 0x0B) { i.code = op::ud2;
        } else if (b2 == 0x21 || b2 == 0x23) {
            auto m = modrm();  // mod ignored: always a register operand (SDM Vol. 2 "MOV DR")
            if (rex & 4u) return fail("MOV DR8-DR15");
            i.code = b2 == 0x23 ? op::mov_to_dr : op::mov_from_dr;
            i.dreg = static_cast<std::uint8_t>(m.reg);
            i.dst = reg_operand(m.rm, rex & 1u, 1, false);
            i.size = 8;
        } else {
            return fail("two-byte opcode outside the subset");
        }
    } else {
        return fail("opcode outside the subset");
    }
    if (rep && !rep_ok) return fail("REP prefix on a non-string instruction");
    if (c.short_read) return fail("instruction runs past the fetched bytes");
    if (c.at > 15) return fail("longer than 15 bytes");
    i.length = static_cast<std::uint8_t>(c.at);
    if (i.code == op::jcc || i.code == op::jmp || i.code == op::call) {
        // rel targets were computed with the length so far, which is the full length (rel is last).
    }
    r.ok = true;
    return r;
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
