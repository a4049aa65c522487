#pragma once
// A short textual form of a decoded instruction, for traces only.

#include <cstdint>
#include <cstdio>
#include <string>

#include "hvstep/sim/decoder.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

inline std::string reg_name(unsigned r, unsigned size, bool high8 = false) {
    static const char* q[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    static const char* d[] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    static const char* w[] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
    static const char* b[] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
    static const char* h[] = {"ah", "ch", "dh", "bh"};
    if (high8) return h[r & 3];
    r &= 15;
    return size == 8 ? q[r] : size == 4 ? d[r] : size == 2 ? w[r] : b[r];
}

inline std::string hex(std::uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
    return b;
}

inline std::string operand_text(const operand& o, unsigned size) {
    switch (o.kind) {
        case operand::k_reg: return reg_name(o.reg, size, o.high8);
        case operand::k_imm: return hex(o.value & (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1));
        case operand::k_mem: {
            std::string s = "[";
            if (o.rip_relative) s += "rip";
            if (o.base != 0xFF) s += reg_name(o.base, 8);
            if (o.index != 0xFF) s += (s.size() > 1 ? "+" : "") + reg_name(o.index, 8) + "*" + std::to_string(o.scale);
            if (o.disp || s.size() == 1) s += (o.disp < 0 ? "-" : (s.size() > 1 ? "+" : "")) + hex(static_cast<std::uint64_t>(o.disp < 0 ? -o.disp : o.disp));
            return s + "]";
        }
        default: return "";
    }
}

inline std::string disassemble(const insn& i) {
    static const char* alu[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    static const char* cc[] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
    const unsigned sz = i.size;
    auto two = [&](const char* m) { return std::string(m) + " " + operand_text(i.dst, sz) + ", " + operand_text(i.src, sz); };
    auto one = [&](const char* m, const operand& o) { return std::string(m) + " " + operand_text(o, sz); };
    switch (i.code) {
        case op::nop: return "nop";
        case op::alu: return two(alu[static_cast<unsigned>(i.alu)]);
        case op::test: return two("test");
        case op::inc: return one("inc", i.dst);
        case op::dec: return one("dec", i.dst);
        case op::mov: return two("mov");
        case op::lea: return std::string("lea ") + operand_text(i.dst, sz) + ", " + operand_text(i.src, sz);
        case op::div: return one("div", i.dst);
        case op::push: return i.src.kind != operand::k_none ? one("push", i.src) : one("push", i.dst);
        case op::pop: return one("pop", i.dst);
        case op::pushf: return sz == 2 ? "pushf (16)" : "pushfq";
        case op::popf: return sz == 2 ? "popf (16)" : "popfq";
        case op::iret: return "iretq";
        case op::jmp: return i.src.kind != operand::k_none ? one("jmp", i.src) : "jmp " + hex(i.target);
        case op::jcc: return std::string("j") + cc[i.cc] + " " + hex(i.target);
        case op::call: return i.src.kind != operand::k_none ? one("call", i.src) : "call " + hex(i.target);
        case op::ret: return "ret";
        case op::int_n: return "int " + hex(i.vector);
        case op::int3: return "int3";
        case op::int1: return "int1 (icebp)";
        case op::sti: return "sti";
        case op::cli: return "cli";
        case op::mov_to_ss: return "mov ss, " + operand_text(i.dst, 2);
        case op::mov_from_ss: return "mov " + operand_text(i.dst, sz) + ", ss";
        case op::hlt: return "hlt";
        case op::cpuid: return "cpuid";
        case op::in: return i.port_in_dx ? "in " + reg_name(0, sz) + ", dx" : "in " + reg_name(0, sz) + ", " + hex(i.port);
        case op::out: return i.port_in_dx ? "out dx, " + reg_name(0, sz) : "out " + hex(i.port) + ", " + reg_name(0, sz);
        case op::rdmsr: return "rdmsr";
        case op::wrmsr: return "wrmsr";
        case op::movs: return std::string(i.rep ? "rep " : "") + "movs" + (sz == 1 ? "b" : sz == 2 ? "w" : sz == 4 ? "d" : "q");
        case op::stos: return std::string(i.rep ? "rep " : "") + "stos" + (sz == 1 ? "b" : sz == 2 ? "w" : sz == 4 ? "d" : "q");
        case op::syscall: return "syscall";
        case op::sysret: return "sysretq";
        case op::sysenter: return "sysenter";
        case op::mov_to_dr: return "mov dr" + std::to_string(i.dreg) + ", " + reg_name(i.dst.reg, 8);
        case op::mov_from_dr: return "mov " + reg_name(i.dst.reg, 8) + ", dr" + std::to_string(i.dreg);
        case op::ud2: return "ud2";
        case op::pop_ss: return "pop ss (#UD in 64-bit mode)";
        case op::shl: return two("shl");
        case op::shr: return two("shr");
    }
    return "?";
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
