// The VMCB intercept vectors (AMD APM Vol. 2 Appendix B, Table B-1, 000h-013h): bit positions,
// their one-to-one correspondence with the exit codes of Appendix C, and the bounded helpers.

#include "hvstep/svm/intercepts.hpp"

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/svm/exit_code.hpp"

namespace {

namespace svm = hvstep::svm;
using svm::exit_code;
using svm::raw;

// Bit n of the 00Ch word intercepts the event that exits with code 60h + n; of the 010h word,
// 80h + n (Table B-1 against Table C-1).
template <unsigned Position>
constexpr bool misc1_exits_as(hvstep::x86::field<Position, 1>, exit_code code) {
    return 0x60 + Position == raw(code);
}
template <unsigned Position>
constexpr bool misc2_exits_as(hvstep::x86::field<Position, 1>, exit_code code) {
    return 0x80 + Position == raw(code);
}

constexpr bool check_misc1_bit_n_exits_with_60h_plus_n() {
    namespace m = svm::misc1;
    return misc1_exits_as(m::intr, exit_code::intr) && misc1_exits_as(m::nmi, exit_code::nmi) &&
           misc1_exits_as(m::smi, exit_code::smi) && misc1_exits_as(m::init, exit_code::init) &&
           misc1_exits_as(m::vintr, exit_code::vintr) && misc1_exits_as(m::cr0_sel_write, exit_code::cr0_sel_write) &&
           misc1_exits_as(m::idtr_read, exit_code::idtr_read) && misc1_exits_as(m::gdtr_read, exit_code::gdtr_read) &&
           misc1_exits_as(m::ldtr_read, exit_code::ldtr_read) && misc1_exits_as(m::tr_read, exit_code::tr_read) &&
           misc1_exits_as(m::idtr_write, exit_code::idtr_write) &&
           misc1_exits_as(m::gdtr_write, exit_code::gdtr_write) &&
           misc1_exits_as(m::ldtr_write, exit_code::ldtr_write) && misc1_exits_as(m::tr_write, exit_code::tr_write) &&
           misc1_exits_as(m::rdtsc, exit_code::rdtsc) && misc1_exits_as(m::rdpmc, exit_code::rdpmc) &&
           misc1_exits_as(m::pushf, exit_code::pushf) && misc1_exits_as(m::popf, exit_code::popf) &&
           misc1_exits_as(m::cpuid, exit_code::cpuid) && misc1_exits_as(m::rsm, exit_code::rsm) &&
           misc1_exits_as(m::iret, exit_code::iret) && misc1_exits_as(m::intn, exit_code::swint) &&
           misc1_exits_as(m::invd, exit_code::invd) && misc1_exits_as(m::pause, exit_code::pause) &&
           misc1_exits_as(m::hlt, exit_code::hlt) && misc1_exits_as(m::invlpg, exit_code::invlpg) &&
           misc1_exits_as(m::invlpga, exit_code::invlpga) && misc1_exits_as(m::ioio_prot, exit_code::ioio) &&
           misc1_exits_as(m::msr_prot, exit_code::msr) && misc1_exits_as(m::task_switch, exit_code::task_switch) &&
           misc1_exits_as(m::ferr_freeze, exit_code::ferr_freeze) && misc1_exits_as(m::shutdown, exit_code::shutdown);
}
HVSTEP_DUAL_TEST(SvmIntercepts, Misc1BitNExitsWith60hPlusN, check_misc1_bit_n_exits_with_60h_plus_n)

constexpr bool check_misc2_bit_n_exits_with_80h_plus_n() {
    namespace m = svm::misc2;
    return misc2_exits_as(m::vmrun, exit_code::vmrun) && misc2_exits_as(m::vmmcall, exit_code::vmmcall) &&
           misc2_exits_as(m::vmload, exit_code::vmload) && misc2_exits_as(m::vmsave, exit_code::vmsave) &&
           misc2_exits_as(m::stgi, exit_code::stgi) && misc2_exits_as(m::clgi, exit_code::clgi) &&
           misc2_exits_as(m::skinit, exit_code::skinit) && misc2_exits_as(m::rdtscp, exit_code::rdtscp) &&
           misc2_exits_as(m::icebp, exit_code::icebp) && misc2_exits_as(m::wbinvd, exit_code::wbinvd) &&
           misc2_exits_as(m::monitor, exit_code::monitor) && misc2_exits_as(m::mwait, exit_code::mwait) &&
           misc2_exits_as(m::mwait_conditional, exit_code::mwait_conditional) &&
           misc2_exits_as(m::xsetbv, exit_code::xsetbv) && misc2_exits_as(m::rdpru, exit_code::rdpru) &&
           misc2_exits_as(m::efer_write_trap, exit_code::efer_write_trap);
}
HVSTEP_DUAL_TEST(SvmIntercepts, Misc2BitNExitsWith80hPlusN, check_misc2_bit_n_exits_with_80h_plus_n)

// The bits a TF stepper arms, spelled as the manual's numbers.
constexpr bool check_stepping_intercepts_sit_at_apm_positions() {
    return svm::mask32(svm::misc1::pushf) == 0x0001'0000 && svm::mask32(svm::misc1::popf) == 0x0002'0000 &&
           svm::mask32(svm::misc1::iret) == 0x0010'0000 && svm::mask32(svm::misc1::intn) == 0x0020'0000 &&
           svm::mask32(svm::misc2::icebp) == 0x0000'0100 && svm::exception_intercept_bit(1) == 0x0000'0002 &&
           svm::exception_intercept_bit(3) == 0x0000'0008;
}
HVSTEP_DUAL_TEST(SvmIntercepts, SteppingInterceptsSitAtApmPositions, check_stepping_intercepts_sit_at_apm_positions)

constexpr bool check_exception_intercept_bit_n_matches_exception_exit_n() {
    for (unsigned v = 0; v < 32; ++v) {
        const auto vector = static_cast<std::uint8_t>(v);
        if (svm::exception_intercept_bit(vector) != std::uint32_t{1} << v) return false;
        if (raw(svm::exception_exit(vector)) != 0x40 + v) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(SvmIntercepts, ExceptionInterceptBitNMatchesExceptionExitN,
                 check_exception_intercept_bit_n_matches_exception_exit_n)

constexpr bool check_vectors_from_32_have_no_exception_intercept() {
    for (unsigned v = 32; v < 256; ++v) {
        if (svm::exception_intercept_bit(static_cast<std::uint8_t>(v)) != 0) return false;
    }
    return true;
}
HVSTEP_DUAL_TEST(SvmIntercepts, VectorsFrom32HaveNoExceptionIntercept, check_vectors_from_32_have_no_exception_intercept)

constexpr bool check_dr_reads_in_low_half_writes_in_high_half() {
    std::uint32_t reads = 0;
    std::uint32_t writes = 0;
    for (unsigned n = 0; n < 16; ++n) {
        reads |= svm::dr_read_bit(static_cast<std::uint8_t>(n));
        writes |= svm::dr_write_bit(static_cast<std::uint8_t>(n));
    }
    return reads == 0x0000'FFFF && writes == 0xFFFF'0000 && svm::dr_read_bit(6) == 0x40 &&
           svm::dr_write_bit(7) == 0x0080'0000 && svm::dr_read_bit(16) == 0 && svm::dr_write_bit(16) == 0 &&
           svm::dr_write_bit(255) == 0;
}
HVSTEP_DUAL_TEST(SvmIntercepts, DrReadsInLowHalfWritesInHighHalfOf004h, check_dr_reads_in_low_half_writes_in_high_half)

constexpr bool check_cr_reads_in_low_half_writes_in_high_half() {
    return svm::cr_read_bit(0) == 0x1 && svm::cr_read_bit(15) == 0x8000 && svm::cr_write_bit(0) == 0x1'0000 &&
           svm::cr_write_bit(8) == 0x0100'0000 && svm::cr_write_bit(15) == 0x8000'0000 && svm::cr_read_bit(16) == 0 &&
           svm::cr_write_bit(16) == 0;
}
HVSTEP_DUAL_TEST(SvmIntercepts, CrReadsInLowHalfWritesInHighHalfOf000h, check_cr_reads_in_low_half_writes_in_high_half)

}  // namespace
