// The exit-reason field: basic exit reasons (SDM Appendix C) and the format of
// the 32-bit value (§25.9.1, Table "Format of Exit Reason").

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/exit_reason.hpp"

namespace {

namespace vmx = hvstep::vmx;
using vmx::exit_reason;

constexpr std::uint16_t number(exit_reason r) { return static_cast<std::uint16_t>(r); }

constexpr bool check_basic_exit_reasons_have_their_appendix_c_numbers() {
    return number(exit_reason::exception_or_nmi) == 0 && number(exit_reason::external_interrupt) == 1 &&
           number(exit_reason::triple_fault) == 2 && number(exit_reason::init) == 3 && number(exit_reason::sipi) == 4 &&
           number(exit_reason::io_smi) == 5 && number(exit_reason::other_smi) == 6 &&
           number(exit_reason::interrupt_window) == 7 && number(exit_reason::nmi_window) == 8 &&
           number(exit_reason::task_switch) == 9 && number(exit_reason::cpuid) == 10 &&
           number(exit_reason::getsec) == 11 && number(exit_reason::hlt) == 12 && number(exit_reason::invd) == 13 &&
           number(exit_reason::invlpg) == 14 && number(exit_reason::rdpmc) == 15 && number(exit_reason::rdtsc) == 16 &&
           number(exit_reason::rsm) == 17 && number(exit_reason::vmcall) == 18 && number(exit_reason::vmclear) == 19 &&
           number(exit_reason::vmlaunch) == 20 && number(exit_reason::vmptrld) == 21 &&
           number(exit_reason::vmptrst) == 22 && number(exit_reason::vmread) == 23 &&
           number(exit_reason::vmresume) == 24 && number(exit_reason::vmwrite) == 25 &&
           number(exit_reason::vmxoff) == 26 && number(exit_reason::vmxon) == 27 &&
           number(exit_reason::cr_access) == 28 && number(exit_reason::mov_dr) == 29 &&
           number(exit_reason::io_instruction) == 30 && number(exit_reason::rdmsr) == 31 &&
           number(exit_reason::wrmsr) == 32 && number(exit_reason::invalid_guest_state) == 33 &&
           number(exit_reason::msr_loading) == 34 && number(exit_reason::mwait) == 36 &&
           number(exit_reason::monitor_trap_flag) == 37 && number(exit_reason::monitor) == 39 &&
           number(exit_reason::pause) == 40 && number(exit_reason::machine_check_during_entry) == 41 &&
           number(exit_reason::tpr_below_threshold) == 43 && number(exit_reason::apic_access) == 44 &&
           number(exit_reason::virtualized_eoi) == 45 && number(exit_reason::gdtr_idtr_access) == 46 &&
           number(exit_reason::ldtr_tr_access) == 47 && number(exit_reason::ept_violation) == 48 &&
           number(exit_reason::ept_misconfig) == 49 && number(exit_reason::invept) == 50 &&
           number(exit_reason::rdtscp) == 51 && number(exit_reason::vmx_preemption_timer_expired) == 52 &&
           number(exit_reason::invvpid) == 53 && number(exit_reason::wbinvd) == 54 &&
           number(exit_reason::xsetbv) == 55 && number(exit_reason::apic_write) == 56 &&
           number(exit_reason::rdrand) == 57 && number(exit_reason::invpcid) == 58 &&
           number(exit_reason::vmfunc) == 59 && number(exit_reason::encls) == 60 && number(exit_reason::rdseed) == 61 &&
           number(exit_reason::page_modification_log_full) == 62 && number(exit_reason::xsaves) == 63 &&
           number(exit_reason::xrstors) == 64 && number(exit_reason::pconfig) == 65 &&
           number(exit_reason::spp_related_event) == 66 && number(exit_reason::umwait) == 67 &&
           number(exit_reason::tpause) == 68 && number(exit_reason::loadiwkey) == 69 &&
           number(exit_reason::enclv) == 70 && number(exit_reason::enqcmd_pasid_translation_failure) == 72 &&
           number(exit_reason::enqcmds_pasid_translation_failure) == 73 && number(exit_reason::bus_lock) == 74 &&
           number(exit_reason::instruction_timeout) == 75 && number(exit_reason::seamcall) == 76 &&
           number(exit_reason::tdcall) == 77;
}
HVSTEP_DUAL_TEST(VmxExitReason, BasicExitReasonsHaveTheirAppendixCNumbers,
                 check_basic_exit_reasons_have_their_appendix_c_numbers)

constexpr bool check_exit_reason_format_bits_sit_where_the_sdm_puts_them() {
    namespace f = vmx::exit_reason_format;
    return f::basic.mask == 0xFFFFU && f::bus_lock_asserted.mask == (1U << 26) &&
           f::enclave_mode.mask == (1U << 27) && f::pending_mtf_vm_exit.mask == (1U << 28) &&
           f::exit_from_vmx_root.mask == (1U << 29) && f::vm_entry_failure.mask == (1U << 31);
}
HVSTEP_DUAL_TEST(VmxExitReason, ExitReasonFormatBitsSitWhereTheSdmPutsThem,
                 check_exit_reason_format_bits_sit_where_the_sdm_puts_them)

constexpr bool check_basic_reason_is_bits_15_to_0_whatever_the_flags() {
    return vmx::basic_reason(37) == exit_reason::monitor_trap_flag &&
           vmx::basic_reason(0x10000000U | 37U) == exit_reason::monitor_trap_flag &&  // pending MTF flag set
           vmx::basic_reason(0x80000021U) == exit_reason::invalid_guest_state &&
           vmx::basic_reason(0x08000000U) == exit_reason::exception_or_nmi &&  // enclave-mode flag set
           vmx::basic_reason(0xFFFF0000U) == exit_reason::exception_or_nmi;
}
HVSTEP_DUAL_TEST(VmxExitReason, BasicReasonIsBits15To0WhateverTheFlags,
                 check_basic_reason_is_bits_15_to_0_whatever_the_flags)

constexpr bool check_basic_reason_is_defined_for_every_raw_value() {
    // Unassigned numbers come back unchanged and are reported unknown.
    return number(vmx::basic_reason(0xFFFFFFFFU)) == 0xFFFF && !vmx::is_known(vmx::basic_reason(0xFFFFFFFFU)) &&
           number(vmx::basic_reason(35)) == 35 && !vmx::is_known(vmx::basic_reason(35)) &&
           number(vmx::basic_reason(1000)) == 1000 && !vmx::is_known(vmx::basic_reason(1000));
}
HVSTEP_DUAL_TEST(VmxExitReason, BasicReasonIsDefinedForEveryRawValue, check_basic_reason_is_defined_for_every_raw_value)

constexpr bool check_vm_entry_failure_is_bit_31() {
    return vmx::is_vm_entry_failure(0x80000021U) && vmx::is_vm_entry_failure(0x80000022U) &&
           !vmx::is_vm_entry_failure(0x00000021U) && !vmx::is_vm_entry_failure(0x7FFFFFFFU);
}
HVSTEP_DUAL_TEST(VmxExitReason, VmEntryFailureIsBit31, check_vm_entry_failure_is_bit_31)

constexpr bool check_unused_reason_numbers_are_not_known() {
    return !vmx::is_known(exit_reason{35}) && !vmx::is_known(exit_reason{38}) && !vmx::is_known(exit_reason{42}) &&
           !vmx::is_known(exit_reason{71}) && !vmx::is_known(exit_reason{78}) && !vmx::is_known(exit_reason{0xFFFF}) &&
           vmx::is_known(exit_reason::exception_or_nmi) && vmx::is_known(exit_reason::monitor_trap_flag) &&
           vmx::is_known(exit_reason::tdcall);
}
HVSTEP_DUAL_TEST(VmxExitReason, UnusedReasonNumbersAreNotKnown, check_unused_reason_numbers_are_not_known)

constexpr bool check_exactly_the_74_listed_reasons_are_known() {
    int known = 0;
    for (std::uint32_t n = 0; n < 1024; ++n) {
        known += vmx::is_known(vmx::basic_reason(n)) ? 1 : 0;
    }
    return known == 74;
}
HVSTEP_DUAL_TEST(VmxExitReason, ExactlyThe74ListedReasonsAreKnown, check_exactly_the_74_listed_reasons_are_known)

}  // namespace
