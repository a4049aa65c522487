// VM-execution, VM-exit and VM-entry control bit positions (SDM §25.6-§25.8)
// and the exception-bitmap helper (§25.6.3).

#include <climits>
#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/controls.hpp"

namespace {

namespace vmx = hvstep::vmx;

constexpr bool check_pin_based_controls_sit_at_their_sdm_bits() {
    namespace pin = vmx::pin_based_controls;
    return pin::external_interrupt_exiting.mask == 0x1U && pin::nmi_exiting.mask == 0x8U &&
           pin::virtual_nmis.mask == 0x20U && pin::activate_vmx_preemption_timer.mask == 0x40U &&
           pin::process_posted_interrupts.mask == 0x80U;
}
HVSTEP_DUAL_TEST(VmxControls, PinBasedControlsSitAtTheirSdmBits, check_pin_based_controls_sit_at_their_sdm_bits)

constexpr bool check_primary_processor_controls_sit_at_their_sdm_bits() {
    namespace p = vmx::primary_processor_controls;
    return p::interrupt_window_exiting.position == 2 && p::use_tsc_offsetting.position == 3 &&
           p::hlt_exiting.position == 7 && p::invlpg_exiting.position == 9 && p::mwait_exiting.position == 10 &&
           p::rdpmc_exiting.position == 11 && p::rdtsc_exiting.position == 12 && p::cr3_load_exiting.position == 15 &&
           p::cr3_store_exiting.position == 16 && p::activate_tertiary_controls.position == 17 &&
           p::cr8_load_exiting.position == 19 && p::cr8_store_exiting.position == 20 &&
           p::use_tpr_shadow.position == 21 && p::nmi_window_exiting.position == 22 &&
           p::mov_dr_exiting.position == 23 && p::unconditional_io_exiting.position == 24 &&
           p::use_io_bitmaps.position == 25 && p::monitor_trap_flag.position == 27 &&
           p::use_msr_bitmaps.position == 28 && p::monitor_exiting.position == 29 && p::pause_exiting.position == 30 &&
           p::activate_secondary_controls.position == 31;
}
HVSTEP_DUAL_TEST(VmxControls, PrimaryProcessorControlsSitAtTheirSdmBits,
                 check_primary_processor_controls_sit_at_their_sdm_bits)

constexpr bool check_monitor_trap_flag_is_primary_control_bit_27() {
    return vmx::primary_processor_controls::monitor_trap_flag.mask == 0x08000000U &&
           vmx::primary_processor_controls::monitor_trap_flag.width == 1;
}
HVSTEP_DUAL_TEST(VmxControls, MonitorTrapFlagIsPrimaryControlBit27, check_monitor_trap_flag_is_primary_control_bit_27)

constexpr bool check_secondary_processor_controls_sit_at_their_sdm_bits() {
    namespace s = vmx::secondary_processor_controls;
    return s::virtualize_apic_accesses.position == 0 && s::enable_ept.position == 1 &&
           s::descriptor_table_exiting.position == 2 && s::enable_rdtscp.position == 3 &&
           s::virtualize_x2apic_mode.position == 4 && s::enable_vpid.position == 5 && s::wbinvd_exiting.position == 6 &&
           s::unrestricted_guest.position == 7 && s::apic_register_virtualization.position == 8 &&
           s::virtual_interrupt_delivery.position == 9 && s::pause_loop_exiting.position == 10 &&
           s::rdrand_exiting.position == 11 && s::enable_invpcid.position == 12 &&
           s::enable_vm_functions.position == 13 && s::vmcs_shadowing.position == 14 &&
           s::rdseed_exiting.position == 16 && s::enable_pml.position == 17 && s::ept_violation_ve.position == 18 &&
           s::enable_xsaves_xrstors.position == 20 && s::use_tsc_scaling.position == 25;
}
HVSTEP_DUAL_TEST(VmxControls, SecondaryProcessorControlsSitAtTheirSdmBits,
                 check_secondary_processor_controls_sit_at_their_sdm_bits)

constexpr bool check_debug_controls_are_bit_2_of_exit_and_entry_controls() {
    return vmx::vm_exit_controls::save_debug_controls.mask == 0x4U &&
           vmx::vm_entry_controls::load_debug_controls.mask == 0x4U;
}
HVSTEP_DUAL_TEST(VmxControls, DebugControlsAreBit2OfExitAndEntryControls,
                 check_debug_controls_are_bit_2_of_exit_and_entry_controls)

constexpr bool check_exit_and_entry_controls_sit_at_their_sdm_bits() {
    namespace x = vmx::vm_exit_controls;
    namespace n = vmx::vm_entry_controls;
    return x::host_address_space_size.position == 9 && x::load_ia32_perf_global_ctrl.position == 12 &&
           x::acknowledge_interrupt_on_exit.position == 15 && x::save_ia32_pat.position == 18 &&
           x::load_ia32_pat.position == 19 && x::save_ia32_efer.position == 20 && x::load_ia32_efer.position == 21 &&
           x::save_vmx_preemption_timer_value.position == 22 && n::ia32e_mode_guest.position == 9 &&
           n::entry_to_smm.position == 10 && n::deactivate_dual_monitor_treatment.position == 11 &&
           n::load_ia32_perf_global_ctrl.position == 13 && n::load_ia32_pat.position == 14 &&
           n::load_ia32_efer.position == 15;
}
HVSTEP_DUAL_TEST(VmxControls, ExitAndEntryControlsSitAtTheirSdmBits,
                 check_exit_and_entry_controls_sit_at_their_sdm_bits)

constexpr bool check_exception_bit_n_selects_vector_n() {
    return vmx::exception_bit(0) == 0x1U && vmx::exception_bit(1) == 0x2U &&  // #DB
           vmx::exception_bit(3) == 0x8U &&                                    // #BP
           vmx::exception_bit(14) == 0x4000U &&                                // #PF
           vmx::exception_bit(31) == 0x80000000U;
}
HVSTEP_DUAL_TEST(VmxControls, ExceptionBitNSelectsVectorN, check_exception_bit_n_selects_vector_n)

constexpr bool check_exception_bitmap_has_one_distinct_bit_per_vector_below_32() {
    std::uint32_t all = 0;
    bool ok = true;
    for (unsigned v = 0; v < vmx::exception_bitmap_vectors; ++v) {
        const std::uint32_t bit = vmx::exception_bit(v);
        ok = ok && bit != 0 && (bit & (bit - 1)) == 0 && (all & bit) == 0;
        all |= bit;
    }
    return ok && all == 0xFFFFFFFFU;
}
HVSTEP_DUAL_TEST(VmxControls, ExceptionBitmapHasOneDistinctBitPerVectorBelow32,
                 check_exception_bitmap_has_one_distinct_bit_per_vector_below_32)

constexpr bool check_vectors_32_and_above_have_no_exception_bit() {
    return vmx::exception_bit(32) == 0 && vmx::exception_bit(33) == 0 && vmx::exception_bit(255) == 0 &&
           vmx::exception_bit(256) == 0 && vmx::exception_bit(UINT_MAX) == 0;
}
HVSTEP_DUAL_TEST(VmxControls, Vectors32AndAboveHaveNoExceptionBit, check_vectors_32_and_above_have_no_exception_bit)

}  // namespace
