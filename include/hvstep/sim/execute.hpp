#pragma once
// The semantics of each instruction of the subset: what it does to registers,
// flags and memory, which exceptions it raises, and which intercepts it meets
// (after its privilege checks: SDM Vol. 3C §26.1.1 "Relative Priority of Faults
// and VM Exits"; APM Vol. 2 §15.9). Debug traps, shadows and event delivery
// are the caller's (cpu.hpp): this file only reports what happened.

#include <cstdint>
#include <string>

#include "hvstep/sim/alu_flags.hpp"
#include "hvstep/sim/cpu_core.hpp"
#include "hvstep/sim/exec_result.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

inline exec_result execute(cpu_core& c, const insn& i) {
    using namespace detail;
    cpu_state& s = c.s;
    exec_result r{};
    const std::uint64_t next = s.rip + i.length;
    const unsigned sz = i.size;
    const std::uint64_t m = cpu_core::mask_of(sz);
    auto fault = [&]() { r.what = ex::fault; r.ev = c.fault; r.ev.return_rip = s.rip; return r; };
    auto gp = [&](std::uint32_t e = 0) { c.raise(vec::gp, e); return fault(); };
    auto ud = [&]() { c.raise(vec::ud); return fault(); };
    auto intercept = [&]() { r.what = ex::intercepted; return r; };
    auto error = [&](const std::string& why) { r.what = ex::error; r.msg = why; return r; };
    auto soft = [&](std::uint8_t v, event_type t) {
        r.what = ex::software_event;
        r.ev = event{};
        r.ev.vector = v;
        r.ev.type = t;
        r.ev.return_rip = next;
        return r;
    };
    const bool cpl0 = s.cpl() == 0;
    const bool iopl_ok = ((s.rflags & fl::iopl) >> 12) >= s.cpl();
    c.data_hits = 0;
    c.faulted = false;

    switch (i.code) {
        case op::nop: break;
        case op::alu:
        case op::test: {
            std::uint64_t a, b;
            if (!c.get(i.dst, i, sz, a) || !c.get(i.src, i, sz, b)) return fault();
            const alu_op o = i.code == op::test ? alu_op::and_ : i.alu;
            const std::uint64_t sign = std::uint64_t{1} << (8 * sz - 1);
            const std::uint64_t cin = (o == alu_op::adc || o == alu_op::sbb) && (s.rflags & fl::cf) ? 1 : 0;
            std::uint64_t res = 0, f = 0;
            switch (o) {
                case alu_op::add: case alu_op::adc: {
                    res = (a + b + cin) & m;
                    const bool carry = res < a || (cin && res == a);
                    f = (carry ? fl::cf : 0) | ((~(a ^ b) & (a ^ res) & sign) ? fl::of : 0) | (((a ^ b ^ res) & 0x10) ? fl::af : 0);
                    break;
                }
                case alu_op::sub: case alu_op::sbb: case alu_op::cmp: {
                    res = (a - b - cin) & m;
                    const bool borrow = a < b || (cin && a == b);
                    f = (borrow ? fl::cf : 0) | (((a ^ b) & (a ^ res) & sign) ? fl::of : 0) | (((a ^ b ^ res) & 0x10) ? fl::af : 0);
                    break;
                }
                case alu_op::and_: res = a & b; break;
                case alu_op::or_: res = a | b; break;
                case alu_op::xor_: res = a ^ b; break;
            }
            s.rflags = (s.rflags & ~fl::arith) | f | szp(res, sz);
            if (i.code == op::alu && o != alu_op::cmp && !c.set(i.dst, i, sz, res)) return fault();
            break;
        }
        case op::inc:
        case op::dec: {
            std::uint64_t a;
            if (!c.get(i.dst, i, sz, a)) return fault();
            const std::uint64_t res = (i.code == op::inc ? a + 1 : a - 1) & m, sign = std::uint64_t{1} << (8 * sz - 1);
            const bool of = i.code == op::inc ? res == sign : a == sign;
            const std::uint64_t f = (of ? fl::of : 0) | (((a ^ res) & 0x10) ? fl::af : 0);
            if (!c.set(i.dst, i, sz, res)) return fault();
            s.rflags = (s.rflags & ~(fl::arith & ~fl::cf)) | f | szp(res, sz);  // CF unchanged
            break;
        }
        case op::mov: {
            std::uint64_t v;
            if (!c.get(i.src, i, i.src.kind == operand::k_imm && sz == 8 ? 8 : sz, v) || !c.set(i.dst, i, sz, v)) return fault();
            break;
        }
        case op::shl:
        case op::shr: {
            std::uint64_t a;
            if (!c.get(i.dst, i, sz, a)) return fault();
            const unsigned n = static_cast<unsigned>(i.src.value & (sz == 8 ? 63u : 31u));
            if (n == 0) break;  // flags unchanged (SDM Vol. 2 "SAL/SAR/SHL/SHR")
            const unsigned bits = 8 * sz;
            std::uint64_t res, cf;
            if (i.code == op::shl) {
                cf = n <= bits ? (a >> (bits - n)) & 1u : 0;
                res = n < bits ? (a << n) & m : 0;
            } else {
                cf = (a >> (n - 1)) & 1u;
                res = n < bits ? a >> n : 0;
            }
            const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
            const bool of = i.code == op::shl ? (((res & sign) != 0) != (cf != 0)) : (a & sign) != 0;
            if (!c.set(i.dst, i, sz, res)) return fault();
            s.rflags = (s.rflags & ~fl::arith) | (cf ? fl::cf : 0) | (of ? fl::of : 0) | szp(res, sz);
            break;
        }
        case op::lea: c.set(i.dst, i, sz, c.effective_address(i.src, i)); break;
        case op::div: {
            std::uint64_t d;
            if (!c.get(i.dst, i, sz, d)) return fault();
            if (d == 0) { c.raise(vec::de); return fault(); }
            if (sz == 8) {
                const u128 n = (static_cast<u128>(s.gpr[rdx]) << 64) | s.gpr[rax];
                const u128 q = n / d;
                if (q >> 64) { c.raise(vec::de); return fault(); }
                s.gpr[rdx] = static_cast<std::uint64_t>(n % d);
                s.gpr[rax] = static_cast<std::uint64_t>(q);
            } else {
                const unsigned bits = 8 * sz;
                const std::uint64_t n = ((s.gpr[rdx] & m) << bits) | (s.gpr[rax] & m), q = n / d;
                if (q > m) { c.raise(vec::de); return fault(); }
                c.set(reg_op(rax), i, sz, q);
                c.set(reg_op(rdx), i, sz, n % d);
            }
            break;
        }
        case op::push: {
            std::uint64_t v;
            if (i.src.kind != operand::k_none) { if (!c.get(i.src, i, sz, v)) return fault(); }
            else v = s.gpr[i.dst.reg];
            if (!c.push(sz, v & m)) return fault();
            break;
        }
        case op::pop: {
            std::uint64_t v;
            const std::uint64_t old = s.gpr[rsp];
            if (!c.pop(sz, v)) return fault();
            if (i.dst.kind == operand::k_mem) {
                if (!c.set(i.dst, i, sz, v)) { s.gpr[rsp] = old; return fault(); }
            } else {
                c.set(i.dst, i, sz, v);
            }
            break;
        }
        case op::pushf:
            if (c.icpt.pushf) return intercept();
            if (!c.push(sz, s.rflags & ~(fl::rf | fl::vm) & m)) return fault();
            break;
        case op::popf: {
            if (c.icpt.popf) return intercept();
            std::uint64_t v;
            if (!c.pop(sz, v)) return fault();
            std::uint64_t can = fl::popf_cpl0;
            if (!cpl0) can &= ~fl::iopl;
            if (!iopl_ok) can &= ~fl::if_;
            if (sz == 2) can &= 0xFFFF;
            s.rflags = (s.rflags & ~can) | (v & can) | fl::reserved1;
            break;
        }
        case op::iret: {
            if (c.icpt.iret) return intercept();
            std::uint64_t rip, cs, f, sp, ss;
            const std::uint64_t old = s.gpr[rsp];
            if (!c.pop(8, rip) || !c.pop(8, cs) || !c.pop(8, f) || !c.pop(8, sp) || !c.pop(8, ss)) {
                s.gpr[rsp] = old;
                return fault();
            }
            if ((cs & 3u) < s.cpl() || (cs != sel::kernel_cs && cs != sel::user_cs)) {
                s.gpr[rsp] = old;
                return gp(static_cast<std::uint32_t>(cs & 0xFFFC));
            }
            std::uint64_t can = fl::popf_cpl0 | fl::rf;
            if (!cpl0) can &= ~fl::iopl;
            if (!iopl_ok) can &= ~fl::if_;
            s.rflags = (s.rflags & ~can) | (f & can) | fl::reserved1;
            s.rip = rip;
            s.cs = static_cast<std::uint16_t>(cs);
            s.ss = static_cast<std::uint16_t>(ss);
            s.gpr[rsp] = sp;
            s.nmi_blocked = false;  // IRET unblocks NMIs (SDM Vol. 3A §6.7.1)
            r.branch = true;
            return r;
        }
        case op::jmp:
        case op::call: {
            std::uint64_t t = i.target;
            if (i.src.kind != operand::k_none && !c.get(i.src, i, 8, t)) return fault();
            if (i.code == op::call && !c.push(8, next)) return fault();
            s.rip = t;
            r.branch = true;
            return r;
        }
        case op::jcc:
            if (cond(i.cc, s.rflags)) {
                s.rip = i.target;
                r.branch = true;
                return r;
            }
            break;
        case op::ret: {
            std::uint64_t t;
            if (!c.pop(8, t)) return fault();
            s.gpr[rsp] += i.imm16;
            s.rip = t;
            r.branch = true;
            return r;
        }
        case op::int_n:
            if (c.icpt.intn) return intercept();
            return soft(i.vector, event_type::software_interrupt);
        case op::int3: return soft(vec::bp, event_type::software_exception);
        case op::int1:
            if (c.icpt.icebp) return intercept();
            return soft(vec::db, event_type::privileged_software);
        case op::cli:
        case op::sti:
            if (!iopl_ok) return gp();
            s.rflags = i.code == op::sti ? (s.rflags | fl::if_) : (s.rflags & ~fl::if_);
            break;
        case op::mov_to_ss: {
            std::uint64_t v;
            if (!c.get(i.dst, i, 2, v)) return fault();
            const bool ok = cpl0 ? (v == sel::kernel_ss || v == 0) : v == sel::user_ss;
            if (!ok) return gp(static_cast<std::uint32_t>(v & 0xFFFC));
            s.ss = static_cast<std::uint16_t>(v);
            break;
        }
        case op::mov_from_ss:
            if (!c.set(i.dst, i, sz, s.ss)) return fault();
            break;
        case op::hlt:
            if (!cpl0) return gp();
            if (c.icpt.hlt) return intercept();
            s.rip = next;
            r.what = ex::halted;
            return r;
        case op::cpuid: {
            if (c.icpt.cpuid) return intercept();
            const cpuid_result q = c.plat.cpuid(static_cast<std::uint32_t>(s.gpr[rax]), static_cast<std::uint32_t>(s.gpr[rcx]));
            s.gpr[rax] = q.eax; s.gpr[rbx] = q.ebx; s.gpr[rcx] = q.ecx; s.gpr[rdx] = q.edx;
            break;
        }
        case op::in:
        case op::out: {
            if (!iopl_ok) return gp();  // no I/O permission bitmap in the guest ABI's TSS
            if (c.icpt.io) return intercept();
            const auto p = static_cast<std::uint16_t>(i.port_in_dx ? s.gpr[rdx] & 0xFFFF : i.port);
            if (i.code == op::in) c.set(reg_op(rax), i, sz, c.plat.in(p, sz));
            else c.plat.out(p, sz, static_cast<std::uint32_t>(s.gpr[rax] & m));
            if (c.plat.ended) { s.rip = next; r.what = ex::ended; return r; }
            break;
        }
        case op::rdmsr:
        case op::wrmsr: {
            if (!cpl0) return gp();
            if (c.icpt.msr) return intercept();
            const auto id = static_cast<std::uint32_t>(s.gpr[rcx]);
            std::uint64_t* slot = nullptr;
            switch (id) {
                case msr::sysenter_cs: slot = &s.sysenter_cs; break;
                case msr::sysenter_esp: slot = &s.sysenter_esp; break;
                case msr::sysenter_eip: slot = &s.sysenter_eip; break;
                case msr::debugctl: slot = &s.debugctl; break;
                case msr::efer: slot = &s.efer; break;
                case msr::star: slot = &s.star; break;
                case msr::lstar: slot = &s.lstar; break;
                case msr::cstar: slot = &s.cstar; break;
                case msr::sfmask: slot = &s.sfmask; break;
                default: return gp();
            }
            if (i.code == op::rdmsr) {
                s.gpr[rax] = *slot & 0xFFFFFFFF;
                s.gpr[rdx] = *slot >> 32;
            } else {
                std::uint64_t v = (s.gpr[rdx] << 32) | (s.gpr[rax] & 0xFFFFFFFF);
                if (id == msr::debugctl) v &= 0x3;  // LBR and BTF only
                if (id == msr::efer && v != s.efer) return error("WRMSR changing EFER is outside the model");
                *slot = v;
            }
            break;
        }
        case op::movs:
        case op::stos: {
            const std::uint64_t step = (s.rflags & fl::df) ? ~std::uint64_t{sz} + 1 : sz;
            if (i.rep && s.gpr[rcx] == 0) break;
            std::uint64_t v = s.gpr[rax] & m;
            if (i.code == op::movs && !c.read(s.gpr[rsi], sz, v)) return fault();
            if (!c.write(s.gpr[rdi], sz, v)) return fault();
            if (i.code == op::movs) s.gpr[rsi] += step;
            s.gpr[rdi] += step;
            if (i.rep && --s.gpr[rcx] != 0) {
                r.rep_more = true;  // SDM Vol. 2 "REP": one iteration per boundary
                return r;
            }
            break;
        }
        case op::syscall: {
            // SDM Vol. 2 "SYSCALL" (64-bit mode): RCX <- next RIP, R11 <- RFLAGS, RFLAGS &= ~FMASK.
            if (!(s.efer & 1u)) return ud();
            s.gpr[rcx] = next;
            s.gpr[r11] = s.rflags;
            s.rflags = (s.rflags & ~s.sfmask & ~fl::rf) | fl::reserved1;
            s.cs = static_cast<std::uint16_t>((s.star >> 32) & 0xFFFC);
            s.ss = static_cast<std::uint16_t>(s.cs + 8);
            s.rip = s.lstar;
            r.branch = true;
            return r;
        }
        case op::sysret: {
            if (!i.rex_w) return error("SYSRET to compatibility mode (only SYSRETQ, 48 0F 07, is in the subset)");
            if (!cpl0) return gp();
            const auto base = static_cast<std::uint16_t>((s.star >> 48) & 0xFFFF);
            s.rip = s.gpr[rcx];
            s.rflags = (s.gpr[r11] & 0x3C7FD7) | fl::reserved1;
            s.cs = static_cast<std::uint16_t>((base + 16) | 3);
            s.ss = static_cast<std::uint16_t>((base + 8) | 3);
            r.branch = true;
            // Unlike IRET, SYSRET restoring TF=1 traps right after SYSRET (Linux arch/x86/entry/entry_64.S
            // documents this hardware behaviour; SDM Vol. 3B §18.3.1.4).
            r.sysret_tf = (s.rflags & fl::tf) != 0;
            return r;
        }
        case op::sysenter: {
            // AMD: #UD in long mode (APM Vol. 3 "SYSENTER"). Intel: SDM Vol. 2 "SYSENTER" clears VM, IF, RF; keeps TF.
            if (c.vend == vendor::amd) return ud();
            if ((s.sysenter_cs & 0xFFFC) == 0) return gp();
            s.cs = static_cast<std::uint16_t>(s.sysenter_cs & 0xFFFC);
            s.ss = static_cast<std::uint16_t>(s.cs + 8);
            s.rip = s.sysenter_eip;
            s.gpr[rsp] = s.sysenter_esp;
            s.rflags &= ~(fl::vm | fl::if_ | fl::rf);
            r.branch = true;
            return r;
        }
        case op::mov_to_dr:
        case op::mov_from_dr: {
            if (!cpl0) return gp();
            if (i.dreg == 4 || i.dreg == 5) return ud();  // CR4.DE=1 in the guest ABI
            if (s.dr7 & dr::gd) {
                // General detect: a fault before the access (SDM Vol. 3B §18.2.4, §18.3.1.2).
                c.raise(vec::db);
                r.what = ex::fault;
                r.ev = c.fault;
                r.ev.db_conditions = dr::bd;
                r.ev.return_rip = s.rip;
                return r;
            }
            const bool to = i.code == op::mov_to_dr;
            if ((to ? c.icpt.dr_write : c.icpt.dr_read) & (1u << i.dreg)) return intercept();
            std::uint64_t& g = s.gpr[i.dst.reg];
            if (to) {
                if (i.dreg < 4) s.dr03[i.dreg] = g;
                else if (i.dreg == 6) s.dr6 = dr::dr6_fixed | (g & 0xE00F);
                else s.dr7 = (g & 0xFFFF2BFF) | dr::dr7_fixed;
            } else {
                g = i.dreg < 4 ? s.dr03[i.dreg] : i.dreg == 6 ? s.dr6 : s.dr7;
            }
            break;
        }
        case op::ud2:
        case op::pop_ss: return ud();
    }
    s.rip = next;
    return r;
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
