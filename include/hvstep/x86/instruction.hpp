#pragma once
// A constexpr classifier of the instruction forms that matter to a stepper: the
// ones that read, write or push TF (PUSHF, POPF, IRET, INT n/3/O/1, SYSCALL,
// SYSRET), open an interrupt shadow (STI, MOV SS, POP SS), change the unit of
// a step (REP string), or are commonly intercepted and emulated (HLT, CPUID,
// IN/OUT, RDMSR/WRMSR, MOV DR). Everything else is `other`, usually with an
// unknown length: this is not a general decoder.
// Opcodes: Intel SDM Vol. 2 instruction references and Appendix A "Opcode
// Map"; AMD APM Vol. 3 instruction references and Appendix A "Opcode and
// Operand Encodings". Prefixes and ModRM: x86/decode_prefixes.hpp.

#include <cstddef>
#include <cstdint>

#include "hvstep/x86/decode_prefixes.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {

enum class instruction_kind : std::uint8_t {
    other,          // none of the below; `length` is 0 unless decoded anyway
    truncated,      // the window ends before the instruction can be classified
    invalid,        // raises #UD (or #GP past 15 bytes) on every processor
    pushf,          // 9C
    popf,           // 9D
    iret,           // CF
    int_n,          // CD ib; `vector` is ib (CD 03 / CD 01 are int_n, not int3 / int1)
    int3,           // CC
    into,           // CE; #UD in 64-bit mode
    int1,           // F1 (ICEBP)
    syscall,        // 0F 05 (Intel: #UD outside 64-bit mode)
    sysret,         // 0F 07 (Intel: #UD outside 64-bit mode)
    sysenter,       // 0F 34 (AMD: #UD in long mode)
    sysexit,        // 0F 35 (AMD: #UD in long mode)
    sti,            // FB
    cli,            // FA
    mov_to_ss,      // 8E /2
    pop_ss,         // 17; #UD in 64-bit mode
    hlt,            // F4
    rep_string,     // F2/F3 + MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS
    mov_to_dr,      // 0F 23
    mov_from_dr,    // 0F 21
    cpuid,          // 0F A2
    in,             // E4, E5, EC, ED
    out,            // E6, E7, EE, EF
    rdmsr,          // 0F 32
    wrmsr,          // 0F 30
    ud2,            // 0F 0B
};

// The string instruction an opcode names, with or without a repeat prefix.
enum class string_operation : std::uint8_t {
    none,
    movs,  // A4, A5
    cmps,  // A6, A7
    stos,  // AA, AB
    lods,  // AC, AD
    scas,  // AE, AF
    ins,   // 6C, 6D
    outs,  // 6E, 6F
};

struct instruction_form {
    instruction_kind kind = instruction_kind::other;
    std::uint8_t length = 0;             // bytes including prefixes; 0 when unknown
    std::uint8_t prefix_count = 0;       // legacy and REX prefix bytes
    std::uint8_t operand_size_bits = 0;  // 8/16/32/64; 0 where prefixes decide nothing
    std::uint8_t address_size_bits = 0;  // 16/32/64 (for REP string: rCX/rSI/rDI width)
    std::uint8_t vector = 0;             // int_n: ib; int3: 3; into: 4; int1: 1
    std::uint8_t port = 0;               // in/out with an immediate port
    bool port_in_dx = false;             // in/out with the port in DX
    std::uint8_t debug_register = 0;     // mov_to_dr / mov_from_dr: ModRM.reg
    std::uint8_t rex = 0;                // the REX prefix in effect, 0 if none
    string_operation string_op = string_operation::none;
    bool rep = false;                    // F2 or F3 present
    bool repne = false;                  // the last of F2/F3 was F2
    bool lock = false;                   // F0 present
};

namespace detail {

// Sets the length of a decoded form, or turns it into `invalid` (past 15 bytes)
// or `truncated` (past the window).
constexpr instruction_form finish(instruction_form f, std::size_t length,
                                  std::size_t available) noexcept {
    if (length > max_instruction_length) {
        f.kind = instruction_kind::invalid;
        f.length = 0;
    } else if (length > available) {
        f.kind = instruction_kind::truncated;
        f.length = 0;
    } else {
        f.length = static_cast<std::uint8_t>(length);
    }
    return f;
}

constexpr instruction_form stop(instruction_form f, fetch_status status) noexcept {
    f.kind = status == fetch_status::too_long ? instruction_kind::invalid : instruction_kind::truncated;
    f.length = 0;
    return f;
}

constexpr std::uint8_t bits(unsigned n) noexcept { return static_cast<std::uint8_t>(n); }

// IN/OUT/INS/OUTS move at most 32 bits: REX.W does not widen them (SDM Vol. 2
// "IN", "OUT", "INS", "OUTS"; APM Vol. 3 same).
constexpr std::uint8_t io_size(std::uint8_t opcode, code_size size, const prefixes& p) noexcept {
    if ((opcode & 1U) == 0U) {
        return 8;
    }
    const unsigned s = operand_size_bits(size, p);
    return bits(s > 32U ? 32U : s);
}

// PUSHF/POPF: in 64-bit mode the default is 64 and 66h gives 16; there is no
// 32-bit form (SDM Vol. 2 "PUSHF/PUSHFD/PUSHFQ", "POPF/POPFD/POPFQ"; APM Vol. 3).
constexpr std::uint8_t flags_stack_size(code_size size, const prefixes& p) noexcept {
    if (size != code_size::bits64) {
        return bits(operand_size_bits(size, p));
    }
    return bits(p.operand_size && !rex::w.is_set(p.rex) ? 16U : 64U);
}

constexpr string_operation string_op_of(std::uint8_t opcode) noexcept {
    switch (opcode) {
        case 0xA4: case 0xA5: return string_operation::movs;
        case 0xA6: case 0xA7: return string_operation::cmps;
        case 0xAA: case 0xAB: return string_operation::stos;
        case 0xAC: case 0xAD: return string_operation::lods;
        case 0xAE: case 0xAF: return string_operation::scas;
        case 0x6C: case 0x6D: return string_operation::ins;
        case 0x6E: case 0x6F: return string_operation::outs;
        default: return string_operation::none;
    }
}

// Two-byte opcodes (0F xx). `at` indexes the byte after 0F.
constexpr instruction_form classify_0f(instruction_form f, const std::uint8_t* bytes,
                                       std::size_t available, std::size_t at, code_size size,
                                       const prefixes& p) noexcept {
    const std::uint8_t op = bytes[at];
    const std::size_t end = at + 1;
    const bool long_mode = size == code_size::bits64;
    switch (op) {
        case 0x05: f.kind = instruction_kind::syscall; break;
        case 0x07:  // REX.W selects a 64-bit return (SDM Vol. 2 "SYSRET")
            f.kind = instruction_kind::sysret;
            f.operand_size_bits = bits(long_mode && rex::w.is_set(p.rex) ? 64U : 32U);
            break;
        case 0x34: f.kind = instruction_kind::sysenter; break;
        case 0x35:  // REX.W selects a 64-bit return (SDM Vol. 2 "SYSEXIT")
            f.kind = instruction_kind::sysexit;
            f.operand_size_bits = bits(long_mode && rex::w.is_set(p.rex) ? 64U : 32U);
            break;
        case 0xA2: f.kind = instruction_kind::cpuid; break;
        case 0x30: f.kind = instruction_kind::wrmsr; break;
        case 0x32: f.kind = instruction_kind::rdmsr; break;
        case 0x0B: f.kind = instruction_kind::ud2; break;
        case 0x21:
        case 0x23: {
            // MOV DR: always a register operand, the mod bits are ignored; 66h is
            // ignored; REX.R names DR8-DR15, which raise #UD (SDM Vol. 2 "MOV—Move
            // to/from Debug Registers"; APM Vol. 2 §13.1.1.5).
            const fetch_status s = can_fetch(end, available);
            if (s != fetch_status::ok) {
                return stop(f, s);
            }
            f.kind = op == 0x23 ? instruction_kind::mov_to_dr : instruction_kind::mov_from_dr;
            f.debug_register = static_cast<std::uint8_t>(modrm::reg.get(bytes[end]));
            f.operand_size_bits = bits(long_mode ? 64U : 32U);
            if (rex::r.is_set(p.rex)) {
                f.kind = instruction_kind::invalid;
            }
            return finish(f, end + 1, available);
        }
        default: return f;  // other, length unknown
    }
    return finish(f, end, available);
}

// One-byte opcodes that take no operand bytes, or only an imm8.
constexpr instruction_form classify_simple(instruction_form f, const std::uint8_t* bytes,
                                           std::size_t available, std::size_t at, code_size size,
                                           const prefixes& p) noexcept {
    const std::uint8_t op = bytes[at];
    std::size_t end = at + 1;
    const bool long_mode = size == code_size::bits64;
    switch (op) {
        case 0x9C:
        case 0x9D:
            f.kind = op == 0x9C ? instruction_kind::pushf : instruction_kind::popf;
            f.operand_size_bits = flags_stack_size(size, p);
            break;
        case 0xCF:  // 64-bit mode: default 32, REX.W 64, 66h 16 (SDM Vol. 2 "IRET/IRETD/IRETQ")
            f.kind = instruction_kind::iret;
            f.operand_size_bits = bits(operand_size_bits(size, p));
            break;
        case 0xCD: {
            const fetch_status s = can_fetch(end, available);
            if (s != fetch_status::ok) {
                return stop(f, s);
            }
            f.kind = instruction_kind::int_n;
            f.vector = bytes[end];
            end += 1;
            break;
        }
        case 0xCC: f.kind = instruction_kind::int3; f.vector = 3; break;
        case 0xCE:  // INTO is #UD in 64-bit mode (SDM Vol. 2 "INT n/INTO/INT3/INT1")
            f.kind = long_mode ? instruction_kind::invalid : instruction_kind::into;
            f.vector = 4;
            break;
        case 0xF1: f.kind = instruction_kind::int1; f.vector = 1; break;
        case 0xFB: f.kind = instruction_kind::sti; break;
        case 0xFA: f.kind = instruction_kind::cli; break;
        case 0xF4: f.kind = instruction_kind::hlt; break;
        case 0x17:  // POP SS is #UD in 64-bit mode (SDM Vol. 2 "POP")
            f.kind = long_mode ? instruction_kind::invalid : instruction_kind::pop_ss;
            f.operand_size_bits = bits(operand_size_bits(size, p));
            break;
        case 0xE4: case 0xE5: case 0xE6: case 0xE7: {
            const fetch_status s = can_fetch(end, available);
            if (s != fetch_status::ok) {
                return stop(f, s);
            }
            f.kind = op < 0xE6 ? instruction_kind::in : instruction_kind::out;
            f.port = bytes[end];
            f.operand_size_bits = io_size(op, size, p);
            end += 1;
            break;
        }
        case 0xEC: case 0xED: case 0xEE: case 0xEF:
            f.kind = op < 0xEE ? instruction_kind::in : instruction_kind::out;
            f.port_in_dx = true;
            f.operand_size_bits = io_size(op, size, p);
            break;
        default: {
            // String instructions: `rep_string` with F3 or F2, else `other` with
            // its length. F2 on MOVS/STOS/LODS/INS/OUTS is counted as a repeat:
            // processors are known to repeat it like F3, though the SDM leaves
            // the combination undefined (SDM Vol. 2A §2.1.1; APM Vol. 3 §1.2.6).
            f.string_op = string_op_of(op);
            if (f.string_op == string_operation::none) {
                return f;  // other, length unknown
            }
            const bool io =
                f.string_op == string_operation::ins || f.string_op == string_operation::outs;
            f.operand_size_bits =
                io ? io_size(op, size, p) : bits((op & 1U) == 0U ? 8U : operand_size_bits(size, p));
            f.kind = p.rep ? instruction_kind::rep_string : instruction_kind::other;
            break;
        }
    }
    return finish(f, end, available);
}

// 8E /r: MOV Sreg, r/m16. Only /2 (SS) opens the MOV-SS shadow; /1 (CS), /6 and
// /7 raise #UD (SDM Vol. 2 "MOV—Move"; APM Vol. 3 "MOV (Segment)").
constexpr instruction_form classify_mov_sreg(instruction_form f, const std::uint8_t* bytes,
                                             std::size_t available, std::size_t at) noexcept {
    const modrm_operand m = decode_modrm(bytes, available, at + 1, f.address_size_bits);
    if (m.status != fetch_status::ok) {
        return stop(f, m.status);
    }
    switch (modrm::reg.get(m.modrm)) {
        case 2: f.kind = instruction_kind::mov_to_ss; break;
        case 1: case 6: case 7: f.kind = instruction_kind::invalid; break;
        default: f.kind = instruction_kind::other; break;
    }
    f.operand_size_bits = 16;
    return finish(f, at + 1 + m.length, available);
}

}  // namespace detail

// Classifies the instruction at the start of `bytes`, of which `available` bytes
// may be read (0 or a null `bytes` gives `truncated`), executed with the default
// operand/address size `size`. Fields other than `kind` and the prefix fields
// are meaningful only for the kinds that name them. A LOCK prefix makes every
// named kind `invalid`: none of them is lockable (SDM Vol. 2 "LOCK").
constexpr instruction_form classify_instruction(const std::uint8_t* bytes, std::size_t available,
                                                code_size size) noexcept {
    if (bytes == nullptr) {
        available = 0;
    }
    const prefixes p = decode_prefixes(bytes, available, size);
    instruction_form f{};
    f.prefix_count = p.count;
    f.rex = p.rex;
    f.rep = p.rep;
    f.repne = p.repne;
    f.lock = p.lock;
    f.address_size_bits = detail::bits(address_size_bits(size, p));
    if (p.status != fetch_status::ok) {
        return detail::stop(f, p.status);
    }
    const std::size_t at = p.count;
    if (bytes[at] == 0x0F) {
        const fetch_status s = can_fetch(at + 1, available);
        if (s != fetch_status::ok) {
            return detail::stop(f, s);
        }
        f = detail::classify_0f(f, bytes, available, at + 1, size, p);
    } else if (bytes[at] == 0x8E) {
        f = detail::classify_mov_sreg(f, bytes, available, at);
    } else {
        f = detail::classify_simple(f, bytes, available, at, size, p);
    }
    const bool named = f.kind != instruction_kind::other && f.kind != instruction_kind::truncated &&
                       f.kind != instruction_kind::invalid;
    if (named && p.lock) {
        f.kind = instruction_kind::invalid;
    }
    return f;
}

// The kinds whose result value decides TF: after stepping one, the guest owns
// whatever TF it loaded (SDM Vol. 2 "POPF", "IRET", "SYSRET"; APM Vol. 2
// §13.1.4 "Single Stepping"). A POPF that clears TF still traps after itself;
// SYSRET loading TF=1 traps before the target instruction.
constexpr bool loads_tf(instruction_kind k) noexcept {
    return k == instruction_kind::popf || k == instruction_kind::iret || k == instruction_kind::sysret;
}

// The kinds that make RFLAGS, TF included, visible to the guest: PUSHF pushes
// it; INT n, INT3, INTO (only when OF=1) and INT1 push it in the event frame;
// SYSCALL copies it to R11 before masking with IA32_FMASK (SDM Vol. 2 "PUSHF",
// "INT n/INTO/INT3/INT1", "SYSCALL"; APM Vol. 2 §6.1.1 "SYSCALL and SYSRET").
constexpr bool pushes_flags(instruction_kind k) noexcept {
    switch (k) {
        case instruction_kind::pushf:
        case instruction_kind::int_n:
        case instruction_kind::int3:
        case instruction_kind::into:
        case instruction_kind::int1:
        case instruction_kind::syscall: return true;
        default: return false;
    }
}

// MOV SS and POP SS block interrupts and debug traps until after the next
// instruction, so a single-step covers two instructions (SDM Vol. 3A §6.8.3
// "Masking Exceptions and Interrupts When Switching Stacks"; APM Vol. 3 "MOV",
// "POP").
constexpr bool opens_mov_ss_shadow(instruction_kind k) noexcept {
    return k == instruction_kind::mov_to_ss || k == instruction_kind::pop_ss;
}

// STI (when IF was 0) blocks maskable interrupts until after the next
// instruction but does not delay the single-step trap (SDM Vol. 2 "STI"; SDM
// Vol. 3C §25.4.2, Table 25-3 "Format of Interruptibility State"; APM Vol. 3 "STI").
constexpr bool opens_sti_shadow(instruction_kind k) noexcept { return k == instruction_kind::sti; }

}  // namespace x86
}  // namespace v0
}  // namespace hvstep
