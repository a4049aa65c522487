#pragma once
// VM-execution, VM-exit and VM-entry controls: the bits a stepping hypervisor
// arms, plus the neighbours it must recognise when it reads a VMCS it did not set up.
// Intel SDM Vol. 3C §25.6 "VM-Execution Control Fields", §25.7 "VM-Exit Control
// Fields", §25.8 "VM-Entry Control Fields". Whether a control may be set is in
// capabilities.hpp (Appendix A).

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

// Pin-based VM-execution controls (§25.6.1, Table "Definitions of Pin-Based VM-Execution Controls").
namespace pin_based_controls {
inline constexpr x86::field<0> external_interrupt_exiting{};
inline constexpr x86::field<3> nmi_exiting{};
// Needed for NMI-window exiting (§25.6.2) and for blocking-by-NMI to mean "virtual-NMI blocking".
inline constexpr x86::field<5> virtual_nmis{};
inline constexpr x86::field<6> activate_vmx_preemption_timer{};
inline constexpr x86::field<7> process_posted_interrupts{};
}  // namespace pin_based_controls

// Primary processor-based VM-execution controls (§25.6.2, Table "Definitions of
// Primary Processor-Based VM-Execution Controls").
namespace primary_processor_controls {
inline constexpr x86::field<2> interrupt_window_exiting{};
inline constexpr x86::field<3> use_tsc_offsetting{};
inline constexpr x86::field<7> hlt_exiting{};
inline constexpr x86::field<9> invlpg_exiting{};
inline constexpr x86::field<10> mwait_exiting{};
inline constexpr x86::field<11> rdpmc_exiting{};
inline constexpr x86::field<12> rdtsc_exiting{};
inline constexpr x86::field<15> cr3_load_exiting{};
inline constexpr x86::field<16> cr3_store_exiting{};
inline constexpr x86::field<17> activate_tertiary_controls{};
inline constexpr x86::field<19> cr8_load_exiting{};
inline constexpr x86::field<20> cr8_store_exiting{};
inline constexpr x86::field<21> use_tpr_shadow{};
inline constexpr x86::field<22> nmi_window_exiting{};
// MOV to/from DR0-DR7 exits (exit reason 29); lets a hypervisor keep the
// guest's debug registers apart from the ones it uses to step.
inline constexpr x86::field<23> mov_dr_exiting{};
inline constexpr x86::field<24> unconditional_io_exiting{};
inline constexpr x86::field<25> use_io_bitmaps{};
// One VM exit (reason 37) after each guest instruction or event delivery
// (§26.5.2 "Monitor Trap Flag").
inline constexpr x86::field<27> monitor_trap_flag{};
inline constexpr x86::field<28> use_msr_bitmaps{};
inline constexpr x86::field<29> monitor_exiting{};
inline constexpr x86::field<30> pause_exiting{};
inline constexpr x86::field<31> activate_secondary_controls{};
}  // namespace primary_processor_controls

// Secondary processor-based VM-execution controls (§25.6.2, Table "Definitions of
// Secondary Processor-Based VM-Execution Controls"); in effect only with
// primary_processor_controls::activate_secondary_controls set.
namespace secondary_processor_controls {
inline constexpr x86::field<0> virtualize_apic_accesses{};
inline constexpr x86::field<1> enable_ept{};
inline constexpr x86::field<2> descriptor_table_exiting{};
inline constexpr x86::field<3> enable_rdtscp{};
inline constexpr x86::field<4> virtualize_x2apic_mode{};
inline constexpr x86::field<5> enable_vpid{};
inline constexpr x86::field<6> wbinvd_exiting{};
inline constexpr x86::field<7> unrestricted_guest{};
inline constexpr x86::field<8> apic_register_virtualization{};
inline constexpr x86::field<9> virtual_interrupt_delivery{};
inline constexpr x86::field<10> pause_loop_exiting{};
inline constexpr x86::field<11> rdrand_exiting{};
inline constexpr x86::field<12> enable_invpcid{};
inline constexpr x86::field<13> enable_vm_functions{};
inline constexpr x86::field<14> vmcs_shadowing{};
inline constexpr x86::field<16> rdseed_exiting{};
inline constexpr x86::field<17> enable_pml{};
inline constexpr x86::field<18> ept_violation_ve{};
inline constexpr x86::field<20> enable_xsaves_xrstors{};
inline constexpr x86::field<25> use_tsc_scaling{};
}  // namespace secondary_processor_controls

// VM-exit controls (§25.7.1, Table "Definitions of Primary VM-Exit Controls").
namespace vm_exit_controls {
// Saves guest DR7 and IA32_DEBUGCTL into the VMCS on exit, so the guest's BTF
// is readable there (§28.3.1 "Saving Control Registers, Debug Registers, and MSRs").
inline constexpr x86::field<2> save_debug_controls{};
inline constexpr x86::field<9> host_address_space_size{};
inline constexpr x86::field<12> load_ia32_perf_global_ctrl{};
inline constexpr x86::field<15> acknowledge_interrupt_on_exit{};
inline constexpr x86::field<18> save_ia32_pat{};
inline constexpr x86::field<19> load_ia32_pat{};
inline constexpr x86::field<20> save_ia32_efer{};
inline constexpr x86::field<21> load_ia32_efer{};
inline constexpr x86::field<22> save_vmx_preemption_timer_value{};
}  // namespace vm_exit_controls

// VM-entry controls (§25.8.1, Table "Definitions of VM-Entry Controls").
namespace vm_entry_controls {
// Loads guest DR7 and IA32_DEBUGCTL from the VMCS on entry; without it a
// written guest_debugctl (BTF for branch stepping) has no effect
// (§27.3.2.1 "Loading Guest Control Registers, Debug Registers, and MSRs").
inline constexpr x86::field<2> load_debug_controls{};
inline constexpr x86::field<9> ia32e_mode_guest{};
inline constexpr x86::field<10> entry_to_smm{};
inline constexpr x86::field<11> deactivate_dual_monitor_treatment{};
inline constexpr x86::field<13> load_ia32_perf_global_ctrl{};
inline constexpr x86::field<14> load_ia32_pat{};
inline constexpr x86::field<15> load_ia32_efer{};
}  // namespace vm_entry_controls

// Number of vectors the 32-bit exception bitmap covers: 0-31 (§25.6.3 "Exception Bitmap").
inline constexpr unsigned exception_bitmap_vectors = 32;

// The exception-bitmap bit that makes exceptions with `vector` cause VM exits
// (§25.6.3): bit N for vector N. Vectors 32 and above are interrupts, which
// the bitmap cannot select, so they yield 0 (no bit) rather than an
// out-of-range shift. For #PF (14) the bit's meaning is further qualified by
// the page-fault error-code mask and match fields (§25.6.3).
constexpr std::uint32_t exception_bit(unsigned vector) noexcept {
    return vector < exception_bitmap_vectors ? (std::uint32_t{1} << vector) : 0U;
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
