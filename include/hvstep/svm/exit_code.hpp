#pragma once
// EXITCODE (VMCB 070h): why the guest left. AMD APM Vol. 2 Appendix C "SVM Intercept Exit Codes",
// Table C-1; §15.7.1 "State Saved on Exit". The field is 64 bits wide and VMEXIT_INVALID is -1,
// so every predicate below compares the whole 64-bit value: a code with stray high bits is not
// mistaken for a small one.

#include <cstdint>

namespace hvstep {
inline namespace v0 {
namespace svm {

enum class exit_code : std::uint64_t {
    // 00h-0Fh: read of CRn; 10h-1Fh: write of CRn (cr_read_exit / cr_write_exit for others).
    cr0_read = 0x00,
    cr2_read = 0x02,
    cr3_read = 0x03,
    cr4_read = 0x04,
    cr8_read = 0x08,
    cr0_write = 0x10,
    cr2_write = 0x12,
    cr3_write = 0x13,
    cr4_write = 0x14,
    cr8_write = 0x18,
    // 20h-2Fh: read of DRn; 30h-3Fh: write of DRn (§15.9: not raised by implicit DR6/DR7 writes).
    dr0_read = 0x20,
    dr1_read = 0x21,
    dr2_read = 0x22,
    dr3_read = 0x23,
    dr4_read = 0x24,
    dr5_read = 0x25,
    dr6_read = 0x26,
    dr7_read = 0x27,
    dr0_write = 0x30,
    dr1_write = 0x31,
    dr2_write = 0x32,
    dr3_write = 0x33,
    dr4_write = 0x34,
    dr5_write = 0x35,
    dr6_write = 0x36,
    dr7_write = 0x37,
    // 40h-5Fh: exception vector 0-31 (VMEXIT_EXCPn), §15.12 "Exception Intercepts". Vector 2 has
    // no exception intercept (§15.12.3): NMIs exit through `nmi`.
    excp_de = 0x40,
    excp_db = 0x41,  // #DB; ICEBP/INT1 does not raise it (§15.12.2): see `icebp`
    excp_bp = 0x43,
    excp_of = 0x44,
    excp_br = 0x45,
    excp_ud = 0x46,
    excp_nm = 0x47,
    excp_df = 0x48,
    excp_ts = 0x4A,
    excp_np = 0x4B,
    excp_ss = 0x4C,
    excp_gp = 0x4D,
    excp_pf = 0x4E,
    excp_mf = 0x50,
    excp_ac = 0x51,
    excp_mc = 0x52,
    excp_xf = 0x53,
    excp_cp = 0x55,
    excp_hv = 0x5C,
    excp_vc = 0x5D,
    excp_sx = 0x5E,
    // 60h onwards: interrupts and instruction intercepts (§15.9 "Instruction Intercepts",
    // §15.13 "Interrupt Intercepts"), in the bit order of the misc1/misc2 intercept words.
    intr = 0x60,
    nmi = 0x61,
    smi = 0x62,
    init = 0x63,
    vintr = 0x64,
    cr0_sel_write = 0x65,
    idtr_read = 0x66,
    gdtr_read = 0x67,
    ldtr_read = 0x68,
    tr_read = 0x69,
    idtr_write = 0x6A,
    gdtr_write = 0x6B,
    ldtr_write = 0x6C,
    tr_write = 0x6D,
    rdtsc = 0x6E,
    rdpmc = 0x6F,
    pushf = 0x70,
    popf = 0x71,
    cpuid = 0x72,
    rsm = 0x73,
    iret = 0x74,
    swint = 0x75,  // INTn (opcode CDh) only; INT3/INTO/INT1 are exceptions (§15.7.2)
    invd = 0x76,
    pause = 0x77,
    hlt = 0x78,
    invlpg = 0x79,
    invlpga = 0x7A,
    ioio = 0x7B,
    msr = 0x7C,
    task_switch = 0x7D,
    ferr_freeze = 0x7E,
    shutdown = 0x7F,
    vmrun = 0x80,
    vmmcall = 0x81,
    vmload = 0x82,
    vmsave = 0x83,
    stgi = 0x84,
    clgi = 0x85,
    skinit = 0x86,
    rdtscp = 0x87,
    icebp = 0x88,
    wbinvd = 0x89,
    monitor = 0x8A,
    mwait = 0x8B,
    mwait_conditional = 0x8C,
    xsetbv = 0x8D,
    rdpru = 0x8E,
    efer_write_trap = 0x8F,
    // 400h: nested page fault (§15.25 "Nested Paging").
    npf = 0x400,
    // -1: VMRUN refused the guest state or an injected event (§15.5.1, §15.20).
    invalid = ~std::uint64_t{0},
};

// Returned by exception_vector / cr_number / dr_number for codes outside their range:
// 0xFF is neither an exception vector (0-31) nor a register number (0-15).
inline constexpr std::uint8_t no_vector = 0xFF;
inline constexpr std::uint8_t no_register = 0xFF;

constexpr std::uint64_t raw(exit_code code) noexcept { return static_cast<std::uint64_t>(code); }
constexpr exit_code to_exit_code(std::uint64_t raw_code) noexcept { return static_cast<exit_code>(raw_code); }

namespace detail {
inline constexpr std::uint64_t cr_read_base = 0x00;
inline constexpr std::uint64_t cr_write_base = 0x10;
inline constexpr std::uint64_t dr_read_base = 0x20;
inline constexpr std::uint64_t dr_write_base = 0x30;
inline constexpr std::uint64_t exception_base = 0x40;
inline constexpr std::uint64_t exception_count = 32;
inline constexpr std::uint64_t register_count = 16;

constexpr bool in_block(std::uint64_t code, std::uint64_t base, std::uint64_t count) noexcept {
    return code >= base && code - base < count;
}
constexpr exit_code block_exit(std::uint64_t base, std::uint64_t count, std::uint8_t index) noexcept {
    return index < count ? static_cast<exit_code>(base + index) : exit_code::invalid;
}
constexpr std::uint8_t block_index(std::uint64_t code, std::uint64_t base, std::uint64_t count,
                                   std::uint8_t none) noexcept {
    return in_block(code, base, count) ? static_cast<std::uint8_t>(code - base) : none;
}
}  // namespace detail

// The exit code of an intercepted exception; exit_code::invalid for vectors >= 32, which have
// no exception intercept.
constexpr exit_code exception_exit(std::uint8_t vector) noexcept {
    return detail::block_exit(detail::exception_base, detail::exception_count, vector);
}
// The exit codes of MOV from/to CRn and DRn; exit_code::invalid for n >= 16.
constexpr exit_code cr_read_exit(std::uint8_t n) noexcept {
    return detail::block_exit(detail::cr_read_base, detail::register_count, n);
}
constexpr exit_code cr_write_exit(std::uint8_t n) noexcept {
    return detail::block_exit(detail::cr_write_base, detail::register_count, n);
}
constexpr exit_code dr_read_exit(std::uint8_t n) noexcept {
    return detail::block_exit(detail::dr_read_base, detail::register_count, n);
}
constexpr exit_code dr_write_exit(std::uint8_t n) noexcept {
    return detail::block_exit(detail::dr_write_base, detail::register_count, n);
}

constexpr bool is_exception(std::uint64_t code) noexcept {
    return detail::in_block(code, detail::exception_base, detail::exception_count);
}
constexpr bool is_exception(exit_code code) noexcept { return is_exception(raw(code)); }

// The vector of an exception exit, no_vector otherwise.
constexpr std::uint8_t exception_vector(std::uint64_t code) noexcept {
    return detail::block_index(code, detail::exception_base, detail::exception_count, no_vector);
}
constexpr std::uint8_t exception_vector(exit_code code) noexcept { return exception_vector(raw(code)); }

constexpr bool is_cr_read(std::uint64_t code) noexcept {
    return detail::in_block(code, detail::cr_read_base, detail::register_count);
}
constexpr bool is_cr_read(exit_code code) noexcept { return is_cr_read(raw(code)); }
constexpr bool is_cr_write(std::uint64_t code) noexcept {
    return detail::in_block(code, detail::cr_write_base, detail::register_count);
}
constexpr bool is_cr_write(exit_code code) noexcept { return is_cr_write(raw(code)); }

constexpr bool is_dr_read(std::uint64_t code) noexcept {
    return detail::in_block(code, detail::dr_read_base, detail::register_count);
}
constexpr bool is_dr_read(exit_code code) noexcept { return is_dr_read(raw(code)); }
constexpr bool is_dr_write(std::uint64_t code) noexcept {
    return detail::in_block(code, detail::dr_write_base, detail::register_count);
}
constexpr bool is_dr_write(exit_code code) noexcept { return is_dr_write(raw(code)); }

// The register number of a CR read/write exit, no_register otherwise.
constexpr std::uint8_t cr_number(std::uint64_t code) noexcept {
    return is_cr_read(code)    ? detail::block_index(code, detail::cr_read_base, detail::register_count, no_register)
           : is_cr_write(code) ? detail::block_index(code, detail::cr_write_base, detail::register_count, no_register)
                               : no_register;
}
constexpr std::uint8_t cr_number(exit_code code) noexcept { return cr_number(raw(code)); }

// The register number of a DR read/write exit, no_register otherwise.
constexpr std::uint8_t dr_number(std::uint64_t code) noexcept {
    return is_dr_read(code)    ? detail::block_index(code, detail::dr_read_base, detail::register_count, no_register)
           : is_dr_write(code) ? detail::block_index(code, detail::dr_write_base, detail::register_count, no_register)
                               : no_register;
}
constexpr std::uint8_t dr_number(exit_code code) noexcept { return dr_number(raw(code)); }

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
