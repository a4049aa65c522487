// SVM exit codes against AMD APM Vol. 2 Appendix C "SVM Intercept Exit Codes" (Table C-1), and the
// predicates over raw 64-bit EXITCODE values, which must answer for any value the field can hold.

#include "hvstep/svm/exit_code.hpp"

#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace svm = hvstep::svm;
using svm::exit_code;
using svm::raw;

// ---- Values from Appendix C ------------------------------------------------------------------
static_assert(raw(exit_code::cr0_read) == 0x00 && raw(exit_code::cr8_read) == 0x08 &&
                  raw(exit_code::cr0_write) == 0x10 && raw(exit_code::cr8_write) == 0x18,
              "CRn read 00h+n, write 10h+n");
static_assert(raw(exit_code::dr0_read) == 0x20 && raw(exit_code::dr7_read) == 0x27 &&
                  raw(exit_code::dr0_write) == 0x30 && raw(exit_code::dr7_write) == 0x37,
              "DRn read 20h+n, write 30h+n");
static_assert(raw(exit_code::excp_de) == 0x40 && raw(exit_code::excp_db) == 0x41 && raw(exit_code::excp_bp) == 0x43 &&
                  raw(exit_code::excp_ud) == 0x46 && raw(exit_code::excp_df) == 0x48 &&
                  raw(exit_code::excp_gp) == 0x4D && raw(exit_code::excp_pf) == 0x4E &&
                  raw(exit_code::excp_mc) == 0x52 && raw(exit_code::excp_sx) == 0x5E,
              "exception vector n exits with 40h+n");
static_assert(raw(exit_code::intr) == 0x60 && raw(exit_code::nmi) == 0x61 && raw(exit_code::smi) == 0x62 &&
                  raw(exit_code::init) == 0x63 && raw(exit_code::vintr) == 0x64 &&
                  raw(exit_code::cr0_sel_write) == 0x65 && raw(exit_code::idtr_read) == 0x66 &&
                  raw(exit_code::tr_write) == 0x6D && raw(exit_code::rdtsc) == 0x6E && raw(exit_code::rdpmc) == 0x6F,
              "interrupts and descriptor-table intercepts 60h-6Fh");
static_assert(raw(exit_code::pushf) == 0x70 && raw(exit_code::popf) == 0x71 && raw(exit_code::cpuid) == 0x72 &&
                  raw(exit_code::rsm) == 0x73 && raw(exit_code::iret) == 0x74 && raw(exit_code::swint) == 0x75 &&
                  raw(exit_code::invd) == 0x76 && raw(exit_code::pause) == 0x77 && raw(exit_code::hlt) == 0x78 &&
                  raw(exit_code::invlpg) == 0x79 && raw(exit_code::invlpga) == 0x7A && raw(exit_code::ioio) == 0x7B &&
                  raw(exit_code::msr) == 0x7C && raw(exit_code::task_switch) == 0x7D &&
                  raw(exit_code::ferr_freeze) == 0x7E && raw(exit_code::shutdown) == 0x7F,
              "instruction intercepts 70h-7Fh");
static_assert(raw(exit_code::vmrun) == 0x80 && raw(exit_code::vmmcall) == 0x81 && raw(exit_code::vmload) == 0x82 &&
                  raw(exit_code::vmsave) == 0x83 && raw(exit_code::stgi) == 0x84 && raw(exit_code::clgi) == 0x85 &&
                  raw(exit_code::skinit) == 0x86 && raw(exit_code::rdtscp) == 0x87 && raw(exit_code::icebp) == 0x88 &&
                  raw(exit_code::wbinvd) == 0x89 && raw(exit_code::monitor) == 0x8A && raw(exit_code::mwait) == 0x8B &&
                  raw(exit_code::mwait_conditional) == 0x8C && raw(exit_code::xsetbv) == 0x8D &&
                  raw(exit_code::rdpru) == 0x8E && raw(exit_code::efer_write_trap) == 0x8F,
              "instruction intercepts 80h-8Fh");
static_assert(raw(exit_code::npf) == 0x400, "nested page fault 400h");
static_assert(raw(exit_code::invalid) == 0xFFFF'FFFF'FFFF'FFFF, "VMEXIT_INVALID is -1 in 64 bits");
static_assert(sizeof(exit_code) == 8, "EXITCODE is a 64-bit field");

// ---- exception_exit --------------------------------------------------------------------------
constexpr bool check_exception_exit_is_40h_plus_vector_for_vectors_below_32() {
    for (unsigned v = 0; v < 32; ++v) {
        if (raw(svm::exception_exit(static_cast<std::uint8_t>(v))) != 0x40 + v) return false;
    }
    return svm::exception_exit(1) == exit_code::excp_db && svm::exception_exit(3) == exit_code::excp_bp;
}
HVSTEP_DUAL_TEST(SvmExitCode, ExceptionExitIs40hPlusVectorForVectorsBelow32,
                 check_exception_exit_is_40h_plus_vector_for_vectors_below_32)

constexpr bool check_exception_exit_is_invalid_for_vectors_from_32() {
    for (unsigned v = 32; v < 256; ++v) {
        if (svm::exception_exit(static_cast<std::uint8_t>(v)) != exit_code::invalid) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(SvmExitCode, ExceptionExitIsInvalidForVectorsFrom32,
                 check_exception_exit_is_invalid_for_vectors_from_32)

// ---- is_exception / exception_vector over the whole 64-bit range -----------------------------
constexpr bool check_is_exception_covers_exactly_40h_to_5fh() {
    for (std::uint64_t code = 0; code < 0x500; ++code) {
        const bool expected = code >= 0x40 && code <= 0x5F;
        if (svm::is_exception(code) != expected) return false;
        if (svm::exception_vector(code) != (expected ? code - 0x40 : svm::no_vector)) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(SvmExitCode, IsExceptionCoversExactly40hTo5Fh, check_is_exception_covers_exactly_40h_to_5fh)

constexpr bool check_high_bits_never_alias_a_small_code() {
    constexpr std::uint64_t high = std::uint64_t{1} << 32;
    return !svm::is_exception(high + 0x41) && svm::exception_vector(high + 0x41) == svm::no_vector &&
           !svm::is_dr_read(high + 0x26) && !svm::is_dr_write(high + 0x36) && !svm::is_cr_read(high + 0x3) &&
           !svm::is_cr_write(high + 0x13) && svm::dr_number(high + 0x27) == svm::no_register &&
           svm::cr_number(high) == svm::no_register;
}
HVSTEP_DUAL_TEST(SvmExitCode, HighBitsNeverAliasASmallCode, check_high_bits_never_alias_a_small_code)

constexpr bool check_invalid_is_no_known_class() {
    return !svm::is_exception(exit_code::invalid) && !svm::is_dr_read(exit_code::invalid) &&
           !svm::is_dr_write(exit_code::invalid) && !svm::is_cr_read(exit_code::invalid) &&
           !svm::is_cr_write(exit_code::invalid) && svm::exception_vector(exit_code::invalid) == svm::no_vector &&
           svm::dr_number(exit_code::invalid) == svm::no_register &&
           svm::cr_number(exit_code::invalid) == svm::no_register;
}
HVSTEP_DUAL_TEST(SvmExitCode, InvalidIsNoKnownClass, check_invalid_is_no_known_class)

constexpr bool check_db_exit_decodes_to_vector_1() {
    return svm::is_exception(exit_code::excp_db) && svm::exception_vector(exit_code::excp_db) == 1 &&
           !svm::is_exception(exit_code::icebp);
}
HVSTEP_DUAL_TEST(SvmExitCode, DbExitDecodesToVector1AndIcebpIsNotAnException, check_db_exit_decodes_to_vector_1)

// ---- CR and DR accesses ----------------------------------------------------------------------
constexpr bool check_dr_read_is_20h_to_2fh_and_write_30h_to_3fh() {
    for (std::uint64_t code = 0; code < 0x100; ++code) {
        const bool read = code >= 0x20 && code <= 0x2F;
        const bool write = code >= 0x30 && code <= 0x3F;
        if (svm::is_dr_read(code) != read || svm::is_dr_write(code) != write) return false;
        if (svm::dr_number(code) != (read || write ? (code & 0xF) : svm::no_register)) return false;
    }
    return svm::dr_number(exit_code::dr7_write) == 7 && svm::dr_number(exit_code::dr6_read) == 6;
}
HVSTEP_DUAL_TEST(SvmExitCode, DrReadIs20hTo2FhAndWrite30hTo3Fh, check_dr_read_is_20h_to_2fh_and_write_30h_to_3fh)

constexpr bool check_cr_read_is_00h_to_0fh_and_write_10h_to_1fh() {
    for (std::uint64_t code = 0; code < 0x100; ++code) {
        const bool read = code <= 0x0F;
        const bool write = code >= 0x10 && code <= 0x1F;
        if (svm::is_cr_read(code) != read || svm::is_cr_write(code) != write) return false;
        if (svm::cr_number(code) != (read || write ? (code & 0xF) : svm::no_register)) return false;
    }
    return svm::cr_number(exit_code::cr4_write) == 4;
}
HVSTEP_DUAL_TEST(SvmExitCode, CrReadIs00hTo0FhAndWrite10hTo1Fh, check_cr_read_is_00h_to_0fh_and_write_10h_to_1fh)

constexpr bool check_register_exit_builders_round_trip_and_bound() {
    for (unsigned n = 0; n < 16; ++n) {
        const auto r = static_cast<std::uint8_t>(n);
        if (svm::dr_number(svm::dr_read_exit(r)) != n || !svm::is_dr_read(svm::dr_read_exit(r))) return false;
        if (svm::dr_number(svm::dr_write_exit(r)) != n || !svm::is_dr_write(svm::dr_write_exit(r))) return false;
        if (svm::cr_number(svm::cr_read_exit(r)) != n || !svm::is_cr_read(svm::cr_read_exit(r))) return false;
        if (svm::cr_number(svm::cr_write_exit(r)) != n || !svm::is_cr_write(svm::cr_write_exit(r))) return false;
    }
    return svm::dr_read_exit(16) == exit_code::invalid && svm::dr_write_exit(255) == exit_code::invalid &&
           svm::cr_read_exit(16) == exit_code::invalid && svm::cr_write_exit(200) == exit_code::invalid &&
           svm::dr_write_exit(7) == exit_code::dr7_write && svm::cr_read_exit(3) == exit_code::cr3_read;
}
HVSTEP_DUAL_TEST(SvmExitCode, RegisterExitBuildersRoundTripAndRejectNumbersFrom16,
                 check_register_exit_builders_round_trip_and_bound)

constexpr bool check_raw_and_to_exit_code_round_trip() {
    return svm::to_exit_code(0x41) == exit_code::excp_db && raw(svm::to_exit_code(0x1234)) == 0x1234 &&
           svm::to_exit_code(~std::uint64_t{0}) == exit_code::invalid;
}
HVSTEP_DUAL_TEST(SvmExitCode, RawAndToExitCodeRoundTrip, check_raw_and_to_exit_code_round_trip)

}  // namespace
