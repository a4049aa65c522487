// The TF-relevant instruction classifier, checked against encodings taken from
// the SDM Vol. 2 / APM Vol. 3 instruction references and opcode maps.

#include "hvstep/x86/instruction.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "dual_test.hpp"

namespace {

namespace x86 = hvstep::x86;
using x86::code_size;
using x86::instruction_form;
using x86::instruction_kind;
using x86::string_operation;

constexpr code_size b16 = code_size::bits16;
constexpr code_size b32 = code_size::bits32;
constexpr code_size b64 = code_size::bits64;

constexpr instruction_form decode(std::initializer_list<std::uint8_t> bytes, code_size size = b64) {
    return x86::classify_instruction(bytes.begin(), bytes.size(), size);
}

// Only the first `available` bytes of `bytes` are visible.
constexpr instruction_form decode_window(std::initializer_list<std::uint8_t> bytes, std::size_t available,
                                         code_size size = b64) {
    return x86::classify_instruction(bytes.begin(), available, size);
}

constexpr bool is(const instruction_form& f, instruction_kind k, unsigned length, unsigned operand_bits) {
    return f.kind == k && f.length == length && f.operand_size_bits == operand_bits;
}

// `count` copies of `prefix`, then `opcode` bytes, classified in 64-bit mode.
constexpr instruction_form decode_prefixed(std::uint8_t prefix, std::size_t count,
                                           std::initializer_list<std::uint8_t> opcode) {
    std::uint8_t buffer[32] = {};
    std::size_t n = 0;
    for (; n < count; ++n) {
        buffer[n] = prefix;
    }
    for (const std::uint8_t b : opcode) {
        buffer[n++] = b;
    }
    return x86::classify_instruction(buffer, n, b64);
}

constexpr bool check_pushf_popf_are_64_bit_in_long_mode_and_66h_gives_16() {
    return is(decode({0x9C}), instruction_kind::pushf, 1, 64) &&
           is(decode({0x66, 0x9C}), instruction_kind::pushf, 2, 16) &&
           is(decode({0x48, 0x9C}), instruction_kind::pushf, 2, 64) &&
           is(decode({0x66, 0x48, 0x9C}), instruction_kind::pushf, 3, 64) &&
           is(decode({0x9D}), instruction_kind::popf, 1, 64) &&
           is(decode({0x66, 0x9D}), instruction_kind::popf, 2, 16);
}

constexpr bool check_pushf_popf_follow_the_code_size_outside_long_mode() {
    return is(decode({0x9C}, b32), instruction_kind::pushf, 1, 32) &&
           is(decode({0x66, 0x9C}, b32), instruction_kind::pushf, 2, 16) &&
           is(decode({0x9D}, b16), instruction_kind::popf, 1, 16) &&
           is(decode({0x66, 0x9D}, b16), instruction_kind::popf, 2, 32);
}

constexpr bool check_iret_is_32_bit_in_long_mode_and_rex_w_gives_iretq() {
    return is(decode({0xCF}), instruction_kind::iret, 1, 32) &&
           is(decode({0x48, 0xCF}), instruction_kind::iret, 2, 64) &&
           is(decode({0x66, 0xCF}), instruction_kind::iret, 2, 16) &&
           is(decode({0x66, 0x48, 0xCF}), instruction_kind::iret, 3, 64) &&
           is(decode({0xCF}, b32), instruction_kind::iret, 1, 32) &&
           is(decode({0xCF}, b16), instruction_kind::iret, 1, 16) &&
           is(decode({0x66, 0xCF}, b16), instruction_kind::iret, 2, 32);
}

// CD 03 and CD 01 are INT n, not INT3/INT1: they are different events.
constexpr bool check_int_n_carries_its_vector() {
    const instruction_form dos = decode({0xCD, 0x21});
    const instruction_form int_3 = decode({0xCD, 0x03});
    const instruction_form int_1 = decode({0xCD, 0x01}, b32);
    return is(dos, instruction_kind::int_n, 2, 0) && dos.vector == 0x21 &&
           is(int_3, instruction_kind::int_n, 2, 0) && int_3.vector == 3 &&
           is(int_1, instruction_kind::int_n, 2, 0) && int_1.vector == 1;
}

constexpr bool check_int3_into_int1_are_one_byte_events() {
    const instruction_form int3 = decode({0xCC});
    const instruction_form int1 = decode({0xF1});
    const instruction_form into = decode({0xCE}, b32);
    return is(int3, instruction_kind::int3, 1, 0) && int3.vector == 3 && is(int1, instruction_kind::int1, 1, 0) &&
           int1.vector == 1 && is(into, instruction_kind::into, 1, 0) && into.vector == 4;
}

constexpr bool check_into_is_invalid_in_long_mode() {
    return decode({0xCE}).kind == instruction_kind::invalid &&
           decode({0xCE}, b16).kind == instruction_kind::into;
}

constexpr bool check_fast_system_calls_and_their_return_sizes() {
    return is(decode({0x0F, 0x05}), instruction_kind::syscall, 2, 0) &&
           is(decode({0x0F, 0x07}), instruction_kind::sysret, 2, 32) &&
           is(decode({0x48, 0x0F, 0x07}), instruction_kind::sysret, 3, 64) &&
           is(decode({0x0F, 0x34}), instruction_kind::sysenter, 2, 0) &&
           is(decode({0x0F, 0x35}), instruction_kind::sysexit, 2, 32) &&
           is(decode({0x48, 0x0F, 0x35}), instruction_kind::sysexit, 3, 64) &&
           is(decode({0x0F, 0x34}, b32), instruction_kind::sysenter, 2, 0);
}

constexpr bool check_sti_cli_hlt_are_one_byte() {
    return is(decode({0xFB}), instruction_kind::sti, 1, 0) && is(decode({0xFA}), instruction_kind::cli, 1, 0) &&
           is(decode({0xF4}, b16), instruction_kind::hlt, 1, 0);
}

constexpr bool check_mov_to_ss_register_form_is_two_bytes() {
    return is(decode({0x8E, 0xD0}), instruction_kind::mov_to_ss, 2, 16) &&
           is(decode({0x8E, 0xD0}, b16), instruction_kind::mov_to_ss, 2, 16) &&
           is(decode({0x41, 0x8E, 0xD0}), instruction_kind::mov_to_ss, 3, 16);
}

// 32/64-bit addressing: SIB when rm=100, disp32 for mod=00 rm=101 (RIP-relative
// in 64-bit mode) and for SIB base=101 with mod=00; REX.B changes none of that.
constexpr bool check_mov_to_ss_memory_forms_decode_sib_and_displacement() {
    const instruction_kind ss = instruction_kind::mov_to_ss;
    return is(decode({0x8E, 0x14, 0x24}), ss, 3, 16) &&                         // [rsp]
           is(decode({0x8E, 0x10}), ss, 2, 16) &&                               // [rax]
           is(decode({0x8E, 0x15, 0, 0, 0, 0}), ss, 6, 16) &&                   // [rip+disp32]
           is(decode({0x8E, 0x55, 0x08}), ss, 3, 16) &&                         // [rbp+disp8]
           is(decode({0x8E, 0x54, 0x24, 0x08}), ss, 4, 16) &&                   // [rsp+disp8]
           is(decode({0x8E, 0x94, 0x24, 0, 1, 0, 0}), ss, 7, 16) &&             // [rsp+disp32]
           is(decode({0x8E, 0x14, 0x25, 0, 0, 0, 0}), ss, 7, 16) &&             // [disp32] via SIB
           is(decode({0x8E, 0x14, 0x85, 0, 0, 0, 0}), ss, 7, 16) &&             // [rax*4+disp32]
           is(decode({0x8E, 0x54, 0x85, 0x10}), ss, 4, 16) &&                   // [rbp+rax*4+disp8]
           is(decode({0x8E, 0x90, 0, 1, 0, 0}), ss, 6, 16) &&                   // [rax+disp32]
           is(decode({0x41, 0x8E, 0x14, 0x24}), ss, 4, 16) &&                   // [r12]: still SIB
           is(decode({0x41, 0x8E, 0x55, 0x00}), ss, 4, 16) &&                   // [r13+0]
           is(decode({0x67, 0x8E, 0x14, 0x24}), ss, 4, 16) &&                   // [esp]
           is(decode({0x8E, 0x15, 0, 0, 0, 0}, b32), ss, 6, 16);                // [disp32]
}

// 16-bit addressing has no SIB; mod=00 rm=110 is disp16; 67h switches forms.
constexpr bool check_mov_to_ss_16_bit_addressing_has_no_sib() {
    const instruction_kind ss = instruction_kind::mov_to_ss;
    return is(decode({0x8E, 0x14}, b16), ss, 2, 16) &&                  // [si]
           is(decode({0x8E, 0x16, 0x34, 0x12}, b16), ss, 4, 16) &&      // [0x1234]
           is(decode({0x8E, 0x56, 0x02}, b16), ss, 3, 16) &&            // [bp+2]
           is(decode({0x8E, 0x96, 0x34, 0x12}, b16), ss, 4, 16) &&      // [bp+0x1234]
           is(decode({0x67, 0x8E, 0x14, 0x24}, b16), ss, 4, 16) &&      // [esp]
           is(decode({0x67, 0x8E, 0x16, 0x34, 0x12}, b32), ss, 5, 16);  // [0x1234]
}

constexpr bool check_mov_to_other_segment_registers_is_other_with_length() {
    const instruction_form ds = decode({0x8E, 0xD8});
    const instruction_form es = decode({0x8E, 0x04, 0x24});
    return is(ds, instruction_kind::other, 2, 16) && is(es, instruction_kind::other, 3, 16);
}

constexpr bool check_mov_to_cs_and_undefined_segment_registers_are_invalid() {
    return decode({0x8E, 0xC8}).kind == instruction_kind::invalid &&
           decode({0x8E, 0xF0}).kind == instruction_kind::invalid &&
           decode({0x8E, 0x38}, b32).kind == instruction_kind::invalid;
}

constexpr bool check_pop_ss_is_valid_outside_long_mode_only() {
    return is(decode({0x17}, b32), instruction_kind::pop_ss, 1, 32) &&
           is(decode({0x66, 0x17}, b32), instruction_kind::pop_ss, 2, 16) &&
           is(decode({0x17}, b16), instruction_kind::pop_ss, 1, 16) &&
           decode({0x17}).kind == instruction_kind::invalid;
}

constexpr bool check_rep_string_forms_report_operation_and_sizes() {
    const instruction_form movsq = decode({0xF3, 0x48, 0xA5});
    const instruction_form scasb = decode({0xF2, 0xAE});
    const instruction_form cmpsb = decode({0xF3, 0xA6});
    const instruction_form insd = decode({0xF3, 0x48, 0x6D});
    const instruction_form outsw = decode({0xF3, 0x66, 0x6F});
    const instruction_form stosb32 = decode({0x67, 0xF3, 0xAA});
    const instruction_form movsw16 = decode({0xF3, 0xA5}, b16);
    const instruction_form movsd16 = decode({0xF3, 0x66, 0x67, 0xA5}, b16);
    const instruction_kind rep = instruction_kind::rep_string;
    return is(movsq, rep, 3, 64) && movsq.string_op == string_operation::movs && movsq.address_size_bits == 64 &&
           movsq.rep && !movsq.repne && movsq.rex == 0x48 &&
           is(scasb, rep, 2, 8) && scasb.string_op == string_operation::scas && scasb.repne &&
           is(cmpsb, rep, 2, 8) && cmpsb.string_op == string_operation::cmps && !cmpsb.repne &&
           is(insd, rep, 3, 32) && insd.string_op == string_operation::ins &&
           is(outsw, rep, 3, 16) && outsw.string_op == string_operation::outs &&
           is(stosb32, rep, 3, 8) && stosb32.address_size_bits == 32 &&
           is(movsw16, rep, 2, 16) && movsw16.address_size_bits == 16 &&
           is(movsd16, rep, 4, 32) && movsd16.address_size_bits == 32 &&
           is(decode({0xF2, 0xA4}), rep, 2, 8) && decode({0xF2, 0xA4}).repne;
}

constexpr bool check_string_instructions_without_rep_are_other_with_length() {
    const instruction_form movsd = decode({0xA5});
    const instruction_form lodsw = decode({0x66, 0xAD});
    return is(movsd, instruction_kind::other, 1, 32) && movsd.string_op == string_operation::movs && !movsd.rep &&
           is(lodsw, instruction_kind::other, 2, 16) && lodsw.string_op == string_operation::lods;
}

constexpr bool check_mov_dr_names_the_debug_register() {
    const instruction_form to_dr7 = decode({0x0F, 0x23, 0xF8});
    const instruction_form from_dr6 = decode({0x0F, 0x21, 0xF0});
    const instruction_form to_dr0_32 = decode({0x0F, 0x23, 0xC0}, b32);
    const instruction_form mod_ignored = decode({0x0F, 0x21, 0x30});  // mod=00 still a register
    const instruction_form rex_b = decode({0x41, 0x0F, 0x23, 0xC0});  // mov dr0, r8
    return is(to_dr7, instruction_kind::mov_to_dr, 3, 64) && to_dr7.debug_register == 7 &&
           is(from_dr6, instruction_kind::mov_from_dr, 3, 64) && from_dr6.debug_register == 6 &&
           is(to_dr0_32, instruction_kind::mov_to_dr, 3, 32) && to_dr0_32.debug_register == 0 &&
           is(mod_ignored, instruction_kind::mov_from_dr, 3, 64) && mod_ignored.debug_register == 6 &&
           is(rex_b, instruction_kind::mov_to_dr, 4, 64) && rex_b.debug_register == 0;
}

constexpr bool check_mov_dr_with_rex_r_is_invalid() {
    return decode({0x44, 0x0F, 0x23, 0xC0}).kind == instruction_kind::invalid &&
           decode({0x4C, 0x0F, 0x21, 0xF8}).kind == instruction_kind::invalid;
}

constexpr bool check_cpuid_msr_access_and_ud2_are_two_bytes() {
    return is(decode({0x0F, 0xA2}), instruction_kind::cpuid, 2, 0) &&
           is(decode({0x0F, 0x32}), instruction_kind::rdmsr, 2, 0) &&
           is(decode({0x0F, 0x30}), instruction_kind::wrmsr, 2, 0) &&
           is(decode({0x0F, 0x0B}, b16), instruction_kind::ud2, 2, 0);
}

// IN/OUT move 8, 16 or 32 bits: REX.W never widens them.
constexpr bool check_in_out_report_port_and_width() {
    const instruction_form in_al = decode({0xE4, 0x60});
    const instruction_form out_imm = decode({0xE7, 0x80});
    const instruction_form in_dx = decode({0xEC});
    return is(in_al, instruction_kind::in, 2, 8) && in_al.port == 0x60 && !in_al.port_in_dx &&
           is(decode({0xE5, 0x71}), instruction_kind::in, 2, 32) &&
           is(decode({0x66, 0xE5, 0x71}), instruction_kind::in, 3, 16) &&
           is(decode({0x48, 0xE5, 0x71}), instruction_kind::in, 3, 32) &&
           is(out_imm, instruction_kind::out, 2, 32) && out_imm.port == 0x80 &&
           is(decode({0xE6, 0x80}), instruction_kind::out, 2, 8) &&
           is(in_dx, instruction_kind::in, 1, 8) && in_dx.port_in_dx &&
           is(decode({0xED}), instruction_kind::in, 1, 32) && is(decode({0xEE}), instruction_kind::out, 1, 8) &&
           is(decode({0xEF}, b16), instruction_kind::out, 1, 16) &&
           is(decode({0x66, 0xEF}, b16), instruction_kind::out, 2, 32);
}

constexpr bool check_lock_prefix_makes_named_kinds_invalid() {
    const instruction_form locked_nop = decode({0xF0, 0x90});
    return decode({0xF0, 0x9C}).kind == instruction_kind::invalid &&
           decode({0xF0, 0x0F, 0xA2}).kind == instruction_kind::invalid &&
           decode({0xF0, 0xF3, 0xA4}).kind == instruction_kind::invalid &&
           decode({0xF0, 0x8E, 0xD0}).kind == instruction_kind::invalid && decode({0xF0, 0x9C}).lock &&
           locked_nop.kind == instruction_kind::other && locked_nop.lock;
}

// REX counts only immediately before the opcode; otherwise it is ignored.
constexpr bool check_rex_counts_only_as_the_last_prefix() {
    const instruction_form early_rex = decode({0x48, 0x66, 0x9C});
    const instruction_form early_rex_movs = decode({0x48, 0xF3, 0xA5});
    const instruction_form last_of_two = decode({0x40, 0x48, 0xCF});
    return is(early_rex, instruction_kind::pushf, 3, 16) && early_rex.rex == 0 && early_rex.prefix_count == 2 &&
           is(early_rex_movs, instruction_kind::rep_string, 3, 32) && early_rex_movs.rex == 0 &&
           is(last_of_two, instruction_kind::iret, 3, 64) && last_of_two.rex == 0x48;
}

// 40-4F are INC/DEC opcodes outside 64-bit mode, not prefixes.
constexpr bool check_rex_bytes_are_opcodes_outside_long_mode() {
    const instruction_form f = decode({0x48, 0x9C}, b32);
    return f.kind == instruction_kind::other && f.length == 0 && f.prefix_count == 0 && f.rex == 0;
}

constexpr bool check_last_repeat_prefix_decides_repne() {
    return !decode({0xF2, 0xF3, 0xA6}).repne && decode({0xF3, 0xF2, 0xA6}).repne;
}

constexpr bool check_address_size_follows_code_size_and_67h() {
    return decode({0x9C}).address_size_bits == 64 && decode({0x67, 0x9C}).address_size_bits == 32 &&
           decode({0x9C}, b32).address_size_bits == 32 && decode({0x67, 0x9C}, b32).address_size_bits == 16 &&
           decode({0x9C}, b16).address_size_bits == 16 && decode({0x67, 0x9C}, b16).address_size_bits == 32;
}

// An instruction longer than 15 bytes raises #GP, whatever the prefixes are.
constexpr bool check_instructions_longer_than_15_bytes_are_invalid() {
    const instruction_form icebp_like = decode_prefixed(0x2E, 11, {0xCC});  // kvm-unit-tests' MOV SS + INT3 case
    const instruction_form longest_pushf = decode_prefixed(0x2E, 14, {0x9C});
    const instruction_form longest_mov_ss = decode_prefixed(0x3E, 12, {0x8E, 0x14, 0x24});
    return is(icebp_like, instruction_kind::int3, 12, 0) && icebp_like.prefix_count == 11 &&
           is(longest_pushf, instruction_kind::pushf, 15, 64) &&
           is(longest_mov_ss, instruction_kind::mov_to_ss, 15, 16) &&
           decode_prefixed(0x2E, 15, {0x9C}).kind == instruction_kind::invalid &&
           decode_prefixed(0x26, 14, {0xCD, 0x21}).kind == instruction_kind::invalid &&
           decode_prefixed(0x3E, 13, {0x8E, 0x14, 0x24}).kind == instruction_kind::invalid &&
           decode_prefixed(0x66, 16, {0x9C}).kind == instruction_kind::invalid;
}

constexpr bool check_windows_ending_inside_the_instruction_are_truncated() {
    const instruction_kind t = instruction_kind::truncated;
    return x86::classify_instruction(nullptr, 15, b64).kind == t && decode({}).kind == t &&
           decode({0x66}).kind == t && decode({0x48}).kind == t && decode({0x0F}).kind == t &&
           decode({0xCD}).kind == t && decode({0xE4}).kind == t && decode({0x8E}).kind == t &&
           decode({0x8E, 0x14}).kind == t && decode({0x0F, 0x23}).kind == t &&
           decode_window({0x8E, 0x94, 0x24, 0, 1, 0, 0}, 6).kind == t &&
           decode_window({0x8E, 0x16, 0x34, 0x12}, 3, b16).kind == t &&
           decode_window({0x0F, 0x05}, 1).kind == t && decode_window({0x0F, 0x05}, 1).length == 0 &&
           decode_window({0x9C}, 0).kind == t;
}

constexpr bool check_other_instructions_have_unknown_length() {
    const instruction_form nop = decode({0x90});
    const instruction_form vmmcall = decode({0x0F, 0x01, 0xD9});
    const instruction_form vex = decode({0xC4, 0xE2, 0x79, 0x18, 0x00});
    const instruction_form mov = decode({0x89, 0xC8}, b32);
    return nop.kind == instruction_kind::other && nop.length == 0 && vmmcall.kind == instruction_kind::other &&
           vmmcall.length == 0 && vex.kind == instruction_kind::other && vex.length == 0 &&
           mov.kind == instruction_kind::other && mov.length == 0;
}

constexpr instruction_kind kind_at(unsigned n) { return static_cast<instruction_kind>(static_cast<std::uint8_t>(n)); }
constexpr unsigned kind_count = static_cast<unsigned>(instruction_kind::ud2) + 1;

constexpr bool check_tf_is_loaded_by_popf_iret_and_sysret_only() {
    for (unsigned n = 0; n < kind_count; ++n) {
        const instruction_kind k = kind_at(n);
        const bool expected =
            k == instruction_kind::popf || k == instruction_kind::iret || k == instruction_kind::sysret;
        if (x86::loads_tf(k) != expected) {
            return false;
        }
    }
    return true;
}

constexpr bool check_flags_leak_through_pushf_software_interrupts_and_syscall() {
    for (unsigned n = 0; n < kind_count; ++n) {
        const instruction_kind k = kind_at(n);
        const bool expected = k == instruction_kind::pushf || k == instruction_kind::int_n ||
                              k == instruction_kind::int3 || k == instruction_kind::into ||
                              k == instruction_kind::int1 || k == instruction_kind::syscall;
        if (x86::pushes_flags(k) != expected) {
            return false;
        }
    }
    return true;
}

constexpr bool check_shadows_open_after_mov_ss_pop_ss_and_sti() {
    for (unsigned n = 0; n < kind_count; ++n) {
        const instruction_kind k = kind_at(n);
        if (x86::opens_mov_ss_shadow(k) != (k == instruction_kind::mov_to_ss || k == instruction_kind::pop_ss) ||
            x86::opens_sti_shadow(k) != (k == instruction_kind::sti)) {
            return false;
        }
    }
    return true;
}

// With a full 15-byte window nothing is truncated, every known length fits the
// limit and covers the prefixes, and every named kind has a length.
constexpr bool check_full_window_gives_a_bounded_answer_for_every_opcode() {
    const code_size sizes[] = {b16, b32, b64};
    const std::uint8_t tails[] = {0x00, 0x24, 0x2E, 0xFF};
    for (const code_size size : sizes) {
        for (const std::uint8_t tail : tails) {
            for (unsigned first = 0; first < 256; ++first) {
                std::uint8_t window[x86::max_instruction_length] = {};
                window[0] = static_cast<std::uint8_t>(first);
                for (std::size_t i = 1; i < x86::max_instruction_length; ++i) {
                    window[i] = tail;
                }
                const instruction_form f = x86::classify_instruction(window, sizeof(window), size);
                const bool named = f.kind != instruction_kind::other && f.kind != instruction_kind::invalid;
                if (f.kind == instruction_kind::truncated || f.length > x86::max_instruction_length ||
                    (named && f.length == 0) || (f.length != 0 && f.length <= f.prefix_count)) {
                    return false;
                }
            }
        }
    }
    return true;
}

}  // namespace

HVSTEP_DUAL_TEST(Instruction, PushfPopfAre64BitInLongModeAnd66hGives16,
                 check_pushf_popf_are_64_bit_in_long_mode_and_66h_gives_16)
HVSTEP_DUAL_TEST(Instruction, PushfPopfFollowTheCodeSizeOutsideLongMode,
                 check_pushf_popf_follow_the_code_size_outside_long_mode)
HVSTEP_DUAL_TEST(Instruction, IretIs32BitInLongModeAndRexWGivesIretq,
                 check_iret_is_32_bit_in_long_mode_and_rex_w_gives_iretq)
HVSTEP_DUAL_TEST(Instruction, IntNCarriesItsVector, check_int_n_carries_its_vector)
HVSTEP_DUAL_TEST(Instruction, Int3IntoInt1AreOneByteEvents, check_int3_into_int1_are_one_byte_events)
HVSTEP_DUAL_TEST(Instruction, IntoIsInvalidInLongMode, check_into_is_invalid_in_long_mode)
HVSTEP_DUAL_TEST(Instruction, FastSystemCallsAndTheirReturnSizes, check_fast_system_calls_and_their_return_sizes)
HVSTEP_DUAL_TEST(Instruction, StiCliHltAreOneByte, check_sti_cli_hlt_are_one_byte)
HVSTEP_DUAL_TEST(Instruction, MovToSsRegisterFormIsTwoBytes, check_mov_to_ss_register_form_is_two_bytes)
HVSTEP_DUAL_TEST(Instruction, MovToSsMemoryFormsDecodeSibAndDisplacement,
                 check_mov_to_ss_memory_forms_decode_sib_and_displacement)
HVSTEP_DUAL_TEST(Instruction, MovToSs16BitAddressingHasNoSib, check_mov_to_ss_16_bit_addressing_has_no_sib)
HVSTEP_DUAL_TEST(Instruction, MovToOtherSegmentRegistersIsOtherWithLength,
                 check_mov_to_other_segment_registers_is_other_with_length)
HVSTEP_DUAL_TEST(Instruction, MovToCsAndUndefinedSegmentRegistersAreInvalid,
                 check_mov_to_cs_and_undefined_segment_registers_are_invalid)
HVSTEP_DUAL_TEST(Instruction, PopSsIsValidOutsideLongModeOnly, check_pop_ss_is_valid_outside_long_mode_only)
HVSTEP_DUAL_TEST(Instruction, RepStringFormsReportOperationAndSizes,
                 check_rep_string_forms_report_operation_and_sizes)
HVSTEP_DUAL_TEST(Instruction, StringInstructionsWithoutRepAreOtherWithLength,
                 check_string_instructions_without_rep_are_other_with_length)
HVSTEP_DUAL_TEST(Instruction, MovDrNamesTheDebugRegister, check_mov_dr_names_the_debug_register)
HVSTEP_DUAL_TEST(Instruction, MovDrWithRexRIsInvalid, check_mov_dr_with_rex_r_is_invalid)
HVSTEP_DUAL_TEST(Instruction, CpuidMsrAccessAndUd2AreTwoBytes, check_cpuid_msr_access_and_ud2_are_two_bytes)
HVSTEP_DUAL_TEST(Instruction, InOutReportPortAndWidth, check_in_out_report_port_and_width)
HVSTEP_DUAL_TEST(Instruction, LockPrefixMakesNamedKindsInvalid, check_lock_prefix_makes_named_kinds_invalid)
HVSTEP_DUAL_TEST(Instruction, RexCountsOnlyAsTheLastPrefix, check_rex_counts_only_as_the_last_prefix)
HVSTEP_DUAL_TEST(Instruction, RexBytesAreOpcodesOutsideLongMode, check_rex_bytes_are_opcodes_outside_long_mode)
HVSTEP_DUAL_TEST(Instruction, LastRepeatPrefixDecidesRepne, check_last_repeat_prefix_decides_repne)
HVSTEP_DUAL_TEST(Instruction, AddressSizeFollowsCodeSizeAnd67h, check_address_size_follows_code_size_and_67h)
HVSTEP_DUAL_TEST(Instruction, InstructionsLongerThan15BytesAreInvalid,
                 check_instructions_longer_than_15_bytes_are_invalid)
HVSTEP_DUAL_TEST(Instruction, WindowsEndingInsideTheInstructionAreTruncated,
                 check_windows_ending_inside_the_instruction_are_truncated)
HVSTEP_DUAL_TEST(Instruction, OtherInstructionsHaveUnknownLength, check_other_instructions_have_unknown_length)
HVSTEP_DUAL_TEST(Instruction, TfIsLoadedByPopfIretAndSysretOnly, check_tf_is_loaded_by_popf_iret_and_sysret_only)
HVSTEP_DUAL_TEST(Instruction, FlagsLeakThroughPushfSoftwareInterruptsAndSyscall,
                 check_flags_leak_through_pushf_software_interrupts_and_syscall)
HVSTEP_DUAL_TEST(Instruction, ShadowsOpenAfterMovSsPopSsAndSti, check_shadows_open_after_mov_ss_pop_ss_and_sti)
HVSTEP_DUAL_TEST(Instruction, FullWindowGivesABoundedAnswerForEveryOpcode,
                 check_full_window_gives_a_bounded_answer_for_every_opcode)
