#pragma once
// VMCS fields by name. Each enumerator is built by `encode` from the width,
// type and index the SDM gives (Intel SDM Vol. 3C §25.11.2 "VMREAD, VMWRITE,
// and Encodings of VMCS Fields"), and a static_assert below pins it to the
// encoding listed in Appendix B "Field Encoding in VMCS". A field missing here
// can still be named with `encode(...)` directly.
//
// The `_high` enumerators access bits 63:32 of a 64-bit field, for hosts that
// run VMREAD/VMWRITE outside 64-bit mode (§25.11.2).

#include <cstdint>

#include "hvstep/vmx/vmcs_encoding.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

enum class vmcs_field : std::uint32_t {
    // Appendix B.1.1 16-Bit Control Fields.
    virtual_processor_id = encode(access_type::full, field_width::word16, field_type::control, 0),
    posted_interrupt_notification_vector = encode(access_type::full, field_width::word16, field_type::control, 1),
    eptp_index = encode(access_type::full, field_width::word16, field_type::control, 2),
    // Appendix B.1.2 16-Bit Guest-State Fields.
    guest_es_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 0),
    guest_cs_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 1),
    guest_ss_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 2),
    guest_ds_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 3),
    guest_fs_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 4),
    guest_gs_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 5),
    guest_ldtr_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 6),
    guest_tr_selector = encode(access_type::full, field_width::word16, field_type::guest_state, 7),
    guest_interrupt_status = encode(access_type::full, field_width::word16, field_type::guest_state, 8),
    guest_pml_index = encode(access_type::full, field_width::word16, field_type::guest_state, 9),
    // Appendix B.1.3 16-Bit Host-State Fields.
    host_es_selector = encode(access_type::full, field_width::word16, field_type::host_state, 0),
    host_cs_selector = encode(access_type::full, field_width::word16, field_type::host_state, 1),
    host_ss_selector = encode(access_type::full, field_width::word16, field_type::host_state, 2),
    host_ds_selector = encode(access_type::full, field_width::word16, field_type::host_state, 3),
    host_fs_selector = encode(access_type::full, field_width::word16, field_type::host_state, 4),
    host_gs_selector = encode(access_type::full, field_width::word16, field_type::host_state, 5),
    host_tr_selector = encode(access_type::full, field_width::word16, field_type::host_state, 6),
    // Appendix B.2.1 64-Bit Control Fields.
    io_bitmap_a_address = encode(access_type::full, field_width::word64, field_type::control, 0),
    io_bitmap_b_address = encode(access_type::full, field_width::word64, field_type::control, 1),
    msr_bitmap_address = encode(access_type::full, field_width::word64, field_type::control, 2),
    vm_exit_msr_store_address = encode(access_type::full, field_width::word64, field_type::control, 3),
    vm_exit_msr_load_address = encode(access_type::full, field_width::word64, field_type::control, 4),
    vm_entry_msr_load_address = encode(access_type::full, field_width::word64, field_type::control, 5),
    pml_address = encode(access_type::full, field_width::word64, field_type::control, 7),
    tsc_offset = encode(access_type::full, field_width::word64, field_type::control, 8),
    virtual_apic_address = encode(access_type::full, field_width::word64, field_type::control, 9),
    apic_access_address = encode(access_type::full, field_width::word64, field_type::control, 10),
    ept_pointer = encode(access_type::full, field_width::word64, field_type::control, 13),
    // Appendix B.2.2 64-Bit Read-Only Data Field.
    guest_physical_address = encode(access_type::full, field_width::word64, field_type::exit_information, 0),
    // Appendix B.2.3 64-Bit Guest-State Fields.
    vmcs_link_pointer = encode(access_type::full, field_width::word64, field_type::guest_state, 0),
    guest_debugctl = encode(access_type::full, field_width::word64, field_type::guest_state, 1),
    guest_debugctl_high = encode(access_type::high, field_width::word64, field_type::guest_state, 1),
    guest_pat = encode(access_type::full, field_width::word64, field_type::guest_state, 2),
    guest_efer = encode(access_type::full, field_width::word64, field_type::guest_state, 3),
    guest_efer_high = encode(access_type::high, field_width::word64, field_type::guest_state, 3),
    guest_perf_global_ctrl = encode(access_type::full, field_width::word64, field_type::guest_state, 4),
    guest_pdpte0 = encode(access_type::full, field_width::word64, field_type::guest_state, 5),
    guest_pdpte1 = encode(access_type::full, field_width::word64, field_type::guest_state, 6),
    guest_pdpte2 = encode(access_type::full, field_width::word64, field_type::guest_state, 7),
    guest_pdpte3 = encode(access_type::full, field_width::word64, field_type::guest_state, 8),
    guest_bndcfgs = encode(access_type::full, field_width::word64, field_type::guest_state, 9),
    guest_rtit_ctl = encode(access_type::full, field_width::word64, field_type::guest_state, 10),
    // Appendix B.2.4 64-Bit Host-State Fields.
    host_pat = encode(access_type::full, field_width::word64, field_type::host_state, 0),
    host_efer = encode(access_type::full, field_width::word64, field_type::host_state, 1),
    host_perf_global_ctrl = encode(access_type::full, field_width::word64, field_type::host_state, 2),
    // Appendix B.3.1 32-Bit Control Fields.
    pin_based_controls = encode(access_type::full, field_width::word32, field_type::control, 0),
    primary_processor_controls = encode(access_type::full, field_width::word32, field_type::control, 1),
    exception_bitmap = encode(access_type::full, field_width::word32, field_type::control, 2),
    page_fault_error_code_mask = encode(access_type::full, field_width::word32, field_type::control, 3),
    page_fault_error_code_match = encode(access_type::full, field_width::word32, field_type::control, 4),
    cr3_target_count = encode(access_type::full, field_width::word32, field_type::control, 5),
    vm_exit_controls = encode(access_type::full, field_width::word32, field_type::control, 6),
    vm_exit_msr_store_count = encode(access_type::full, field_width::word32, field_type::control, 7),
    vm_exit_msr_load_count = encode(access_type::full, field_width::word32, field_type::control, 8),
    vm_entry_controls = encode(access_type::full, field_width::word32, field_type::control, 9),
    vm_entry_msr_load_count = encode(access_type::full, field_width::word32, field_type::control, 10),
    vm_entry_interruption_info = encode(access_type::full, field_width::word32, field_type::control, 11),
    vm_entry_exception_error_code = encode(access_type::full, field_width::word32, field_type::control, 12),
    vm_entry_instruction_length = encode(access_type::full, field_width::word32, field_type::control, 13),
    tpr_threshold = encode(access_type::full, field_width::word32, field_type::control, 14),
    secondary_processor_controls = encode(access_type::full, field_width::word32, field_type::control, 15),
    ple_gap = encode(access_type::full, field_width::word32, field_type::control, 16),
    ple_window = encode(access_type::full, field_width::word32, field_type::control, 17),
    // Appendix B.3.2 32-Bit Read-Only Data Fields.
    vm_instruction_error = encode(access_type::full, field_width::word32, field_type::exit_information, 0),
    exit_reason = encode(access_type::full, field_width::word32, field_type::exit_information, 1),
    vm_exit_interruption_info = encode(access_type::full, field_width::word32, field_type::exit_information, 2),
    vm_exit_interruption_error_code = encode(access_type::full, field_width::word32, field_type::exit_information, 3),
    idt_vectoring_info = encode(access_type::full, field_width::word32, field_type::exit_information, 4),
    idt_vectoring_error_code = encode(access_type::full, field_width::word32, field_type::exit_information, 5),
    vm_exit_instruction_length = encode(access_type::full, field_width::word32, field_type::exit_information, 6),
    vm_exit_instruction_info = encode(access_type::full, field_width::word32, field_type::exit_information, 7),
    // Appendix B.3.3 32-Bit Guest-State Fields.
    guest_es_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 0),
    guest_cs_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 1),
    guest_ss_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 2),
    guest_ds_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 3),
    guest_fs_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 4),
    guest_gs_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 5),
    guest_ldtr_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 6),
    guest_tr_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 7),
    guest_gdtr_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 8),
    guest_idtr_limit = encode(access_type::full, field_width::word32, field_type::guest_state, 9),
    guest_es_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 10),
    guest_cs_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 11),
    guest_ss_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 12),
    guest_ds_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 13),
    guest_fs_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 14),
    guest_gs_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 15),
    guest_ldtr_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 16),
    guest_tr_access_rights = encode(access_type::full, field_width::word32, field_type::guest_state, 17),
    guest_interruptibility_state = encode(access_type::full, field_width::word32, field_type::guest_state, 18),
    guest_activity_state = encode(access_type::full, field_width::word32, field_type::guest_state, 19),
    guest_smbase = encode(access_type::full, field_width::word32, field_type::guest_state, 20),
    guest_sysenter_cs = encode(access_type::full, field_width::word32, field_type::guest_state, 21),
    vmx_preemption_timer_value = encode(access_type::full, field_width::word32, field_type::guest_state, 23),
    // Appendix B.3.4 32-Bit Host-State Field.
    host_sysenter_cs = encode(access_type::full, field_width::word32, field_type::host_state, 0),
    // Appendix B.4.1 Natural-Width Control Fields.
    cr0_guest_host_mask = encode(access_type::full, field_width::natural, field_type::control, 0),
    cr4_guest_host_mask = encode(access_type::full, field_width::natural, field_type::control, 1),
    cr0_read_shadow = encode(access_type::full, field_width::natural, field_type::control, 2),
    cr4_read_shadow = encode(access_type::full, field_width::natural, field_type::control, 3),
    cr3_target_value0 = encode(access_type::full, field_width::natural, field_type::control, 4),
    cr3_target_value1 = encode(access_type::full, field_width::natural, field_type::control, 5),
    cr3_target_value2 = encode(access_type::full, field_width::natural, field_type::control, 6),
    cr3_target_value3 = encode(access_type::full, field_width::natural, field_type::control, 7),
    // Appendix B.4.2 Natural-Width Read-Only Data Fields.
    exit_qualification = encode(access_type::full, field_width::natural, field_type::exit_information, 0),
    io_rcx = encode(access_type::full, field_width::natural, field_type::exit_information, 1),
    io_rsi = encode(access_type::full, field_width::natural, field_type::exit_information, 2),
    io_rdi = encode(access_type::full, field_width::natural, field_type::exit_information, 3),
    io_rip = encode(access_type::full, field_width::natural, field_type::exit_information, 4),
    guest_linear_address = encode(access_type::full, field_width::natural, field_type::exit_information, 5),
    // Appendix B.4.3 Natural-Width Guest-State Fields.
    guest_cr0 = encode(access_type::full, field_width::natural, field_type::guest_state, 0),
    guest_cr3 = encode(access_type::full, field_width::natural, field_type::guest_state, 1),
    guest_cr4 = encode(access_type::full, field_width::natural, field_type::guest_state, 2),
    guest_es_base = encode(access_type::full, field_width::natural, field_type::guest_state, 3),
    guest_cs_base = encode(access_type::full, field_width::natural, field_type::guest_state, 4),
    guest_ss_base = encode(access_type::full, field_width::natural, field_type::guest_state, 5),
    guest_ds_base = encode(access_type::full, field_width::natural, field_type::guest_state, 6),
    guest_fs_base = encode(access_type::full, field_width::natural, field_type::guest_state, 7),
    guest_gs_base = encode(access_type::full, field_width::natural, field_type::guest_state, 8),
    guest_ldtr_base = encode(access_type::full, field_width::natural, field_type::guest_state, 9),
    guest_tr_base = encode(access_type::full, field_width::natural, field_type::guest_state, 10),
    guest_gdtr_base = encode(access_type::full, field_width::natural, field_type::guest_state, 11),
    guest_idtr_base = encode(access_type::full, field_width::natural, field_type::guest_state, 12),
    guest_dr7 = encode(access_type::full, field_width::natural, field_type::guest_state, 13),
    guest_rsp = encode(access_type::full, field_width::natural, field_type::guest_state, 14),
    guest_rip = encode(access_type::full, field_width::natural, field_type::guest_state, 15),
    guest_rflags = encode(access_type::full, field_width::natural, field_type::guest_state, 16),
    guest_pending_debug_exceptions = encode(access_type::full, field_width::natural, field_type::guest_state, 17),
    guest_sysenter_esp = encode(access_type::full, field_width::natural, field_type::guest_state, 18),
    guest_sysenter_eip = encode(access_type::full, field_width::natural, field_type::guest_state, 19),
    // Appendix B.4.4 Natural-Width Host-State Fields.
    host_cr0 = encode(access_type::full, field_width::natural, field_type::host_state, 0),
    host_cr3 = encode(access_type::full, field_width::natural, field_type::host_state, 1),
    host_cr4 = encode(access_type::full, field_width::natural, field_type::host_state, 2),
    host_fs_base = encode(access_type::full, field_width::natural, field_type::host_state, 3),
    host_gs_base = encode(access_type::full, field_width::natural, field_type::host_state, 4),
    host_tr_base = encode(access_type::full, field_width::natural, field_type::host_state, 5),
    host_gdtr_base = encode(access_type::full, field_width::natural, field_type::host_state, 6),
    host_idtr_base = encode(access_type::full, field_width::natural, field_type::host_state, 7),
    host_sysenter_esp = encode(access_type::full, field_width::natural, field_type::host_state, 8),
    host_sysenter_eip = encode(access_type::full, field_width::natural, field_type::host_state, 9),
    host_rsp = encode(access_type::full, field_width::natural, field_type::host_state, 10),
    host_rip = encode(access_type::full, field_width::natural, field_type::host_state, 11),
};

// The raw encoding, as VMREAD/VMWRITE take it.
constexpr std::uint32_t encoding_of(vmcs_field field) noexcept { return static_cast<std::uint32_t>(field); }

constexpr field_width width_of(vmcs_field field) noexcept { return width_of(encoding_of(field)); }
constexpr field_type type_of(vmcs_field field) noexcept { return type_of(encoding_of(field)); }
constexpr access_type access_of(vmcs_field field) noexcept { return access_of(encoding_of(field)); }
constexpr std::uint32_t index_of(vmcs_field field) noexcept { return index_of(encoding_of(field)); }

// Exit-information fields are read-only unless IA32_VMX_MISC bit 29 allows
// VMWRITE to them (SDM Vol. 3C Appendix A.6 "Miscellaneous Data").
constexpr bool is_exit_information(vmcs_field field) noexcept {
    return type_of(field) == field_type::exit_information;
}

// Pin every enumerator to the number printed in the SDM.
// Appendix B.1.1 16-Bit Control Fields.
static_assert(encoding_of(vmcs_field::virtual_processor_id) == 0x0000U, "SDM Appendix B.1.1");
static_assert(encoding_of(vmcs_field::posted_interrupt_notification_vector) == 0x0002U, "SDM Appendix B.1.1");
static_assert(encoding_of(vmcs_field::eptp_index) == 0x0004U, "SDM Appendix B.1.1");
// Appendix B.1.2 16-Bit Guest-State Fields.
static_assert(encoding_of(vmcs_field::guest_es_selector) == 0x0800U, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_cs_selector) == 0x0802U, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_ss_selector) == 0x0804U, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_ds_selector) == 0x0806U, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_fs_selector) == 0x0808U, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_gs_selector) == 0x080AU, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_ldtr_selector) == 0x080CU, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_tr_selector) == 0x080EU, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_interrupt_status) == 0x0810U, "SDM Appendix B.1.2");
static_assert(encoding_of(vmcs_field::guest_pml_index) == 0x0812U, "SDM Appendix B.1.2");
// Appendix B.1.3 16-Bit Host-State Fields.
static_assert(encoding_of(vmcs_field::host_es_selector) == 0x0C00U, "SDM Appendix B.1.3");
static_assert(encoding_of(vmcs_field::host_cs_selector) == 0x0C02U, "SDM Appendix B.1.3");
static_assert(encoding_of(vmcs_field::host_ss_selector) == 0x0C04U, "SDM Appendix B.1.3");
static_assert(encoding_of(vmcs_field::host_ds_selector) == 0x0C06U, "SDM Appendix B.1.3");
static_assert(encoding_of(vmcs_field::host_fs_selector) == 0x0C08U, "SDM Appendix B.1.3");
static_assert(encoding_of(vmcs_field::host_gs_selector) == 0x0C0AU, "SDM Appendix B.1.3");
static_assert(encoding_of(vmcs_field::host_tr_selector) == 0x0C0CU, "SDM Appendix B.1.3");
// Appendix B.2.1 64-Bit Control Fields.
static_assert(encoding_of(vmcs_field::io_bitmap_a_address) == 0x2000U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::io_bitmap_b_address) == 0x2002U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::msr_bitmap_address) == 0x2004U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::vm_exit_msr_store_address) == 0x2006U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::vm_exit_msr_load_address) == 0x2008U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::vm_entry_msr_load_address) == 0x200AU, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::pml_address) == 0x200EU, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::tsc_offset) == 0x2010U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::virtual_apic_address) == 0x2012U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::apic_access_address) == 0x2014U, "SDM Appendix B.2.1");
static_assert(encoding_of(vmcs_field::ept_pointer) == 0x201AU, "SDM Appendix B.2.1");
// Appendix B.2.2 64-Bit Read-Only Data Field.
static_assert(encoding_of(vmcs_field::guest_physical_address) == 0x2400U, "SDM Appendix B.2.2");
// Appendix B.2.3 64-Bit Guest-State Fields.
static_assert(encoding_of(vmcs_field::vmcs_link_pointer) == 0x2800U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_debugctl) == 0x2802U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_debugctl_high) == 0x2803U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_pat) == 0x2804U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_efer) == 0x2806U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_efer_high) == 0x2807U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_perf_global_ctrl) == 0x2808U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_pdpte0) == 0x280AU, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_pdpte1) == 0x280CU, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_pdpte2) == 0x280EU, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_pdpte3) == 0x2810U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_bndcfgs) == 0x2812U, "SDM Appendix B.2.3");
static_assert(encoding_of(vmcs_field::guest_rtit_ctl) == 0x2814U, "SDM Appendix B.2.3");
// Appendix B.2.4 64-Bit Host-State Fields.
static_assert(encoding_of(vmcs_field::host_pat) == 0x2C00U, "SDM Appendix B.2.4");
static_assert(encoding_of(vmcs_field::host_efer) == 0x2C02U, "SDM Appendix B.2.4");
static_assert(encoding_of(vmcs_field::host_perf_global_ctrl) == 0x2C04U, "SDM Appendix B.2.4");
// Appendix B.3.1 32-Bit Control Fields.
static_assert(encoding_of(vmcs_field::pin_based_controls) == 0x4000U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::primary_processor_controls) == 0x4002U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::exception_bitmap) == 0x4004U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::page_fault_error_code_mask) == 0x4006U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::page_fault_error_code_match) == 0x4008U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::cr3_target_count) == 0x400AU, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_exit_controls) == 0x400CU, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_exit_msr_store_count) == 0x400EU, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_exit_msr_load_count) == 0x4010U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_entry_controls) == 0x4012U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_entry_msr_load_count) == 0x4014U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_entry_interruption_info) == 0x4016U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_entry_exception_error_code) == 0x4018U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::vm_entry_instruction_length) == 0x401AU, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::tpr_threshold) == 0x401CU, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::secondary_processor_controls) == 0x401EU, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::ple_gap) == 0x4020U, "SDM Appendix B.3.1");
static_assert(encoding_of(vmcs_field::ple_window) == 0x4022U, "SDM Appendix B.3.1");
// Appendix B.3.2 32-Bit Read-Only Data Fields.
static_assert(encoding_of(vmcs_field::vm_instruction_error) == 0x4400U, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::exit_reason) == 0x4402U, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::vm_exit_interruption_info) == 0x4404U, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::vm_exit_interruption_error_code) == 0x4406U, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::idt_vectoring_info) == 0x4408U, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::idt_vectoring_error_code) == 0x440AU, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::vm_exit_instruction_length) == 0x440CU, "SDM Appendix B.3.2");
static_assert(encoding_of(vmcs_field::vm_exit_instruction_info) == 0x440EU, "SDM Appendix B.3.2");
// Appendix B.3.3 32-Bit Guest-State Fields.
static_assert(encoding_of(vmcs_field::guest_es_limit) == 0x4800U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_cs_limit) == 0x4802U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_ss_limit) == 0x4804U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_ds_limit) == 0x4806U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_fs_limit) == 0x4808U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_gs_limit) == 0x480AU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_ldtr_limit) == 0x480CU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_tr_limit) == 0x480EU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_gdtr_limit) == 0x4810U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_idtr_limit) == 0x4812U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_es_access_rights) == 0x4814U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_cs_access_rights) == 0x4816U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_ss_access_rights) == 0x4818U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_ds_access_rights) == 0x481AU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_fs_access_rights) == 0x481CU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_gs_access_rights) == 0x481EU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_ldtr_access_rights) == 0x4820U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_tr_access_rights) == 0x4822U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_interruptibility_state) == 0x4824U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_activity_state) == 0x4826U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_smbase) == 0x4828U, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::guest_sysenter_cs) == 0x482AU, "SDM Appendix B.3.3");
static_assert(encoding_of(vmcs_field::vmx_preemption_timer_value) == 0x482EU, "SDM Appendix B.3.3");
// Appendix B.3.4 32-Bit Host-State Field.
static_assert(encoding_of(vmcs_field::host_sysenter_cs) == 0x4C00U, "SDM Appendix B.3.4");
// Appendix B.4.1 Natural-Width Control Fields.
static_assert(encoding_of(vmcs_field::cr0_guest_host_mask) == 0x6000U, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr4_guest_host_mask) == 0x6002U, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr0_read_shadow) == 0x6004U, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr4_read_shadow) == 0x6006U, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr3_target_value0) == 0x6008U, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr3_target_value1) == 0x600AU, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr3_target_value2) == 0x600CU, "SDM Appendix B.4.1");
static_assert(encoding_of(vmcs_field::cr3_target_value3) == 0x600EU, "SDM Appendix B.4.1");
// Appendix B.4.2 Natural-Width Read-Only Data Fields.
static_assert(encoding_of(vmcs_field::exit_qualification) == 0x6400U, "SDM Appendix B.4.2");
static_assert(encoding_of(vmcs_field::io_rcx) == 0x6402U, "SDM Appendix B.4.2");
static_assert(encoding_of(vmcs_field::io_rsi) == 0x6404U, "SDM Appendix B.4.2");
static_assert(encoding_of(vmcs_field::io_rdi) == 0x6406U, "SDM Appendix B.4.2");
static_assert(encoding_of(vmcs_field::io_rip) == 0x6408U, "SDM Appendix B.4.2");
static_assert(encoding_of(vmcs_field::guest_linear_address) == 0x640AU, "SDM Appendix B.4.2");
// Appendix B.4.3 Natural-Width Guest-State Fields.
static_assert(encoding_of(vmcs_field::guest_cr0) == 0x6800U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_cr3) == 0x6802U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_cr4) == 0x6804U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_es_base) == 0x6806U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_cs_base) == 0x6808U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_ss_base) == 0x680AU, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_ds_base) == 0x680CU, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_fs_base) == 0x680EU, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_gs_base) == 0x6810U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_ldtr_base) == 0x6812U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_tr_base) == 0x6814U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_gdtr_base) == 0x6816U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_idtr_base) == 0x6818U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_dr7) == 0x681AU, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_rsp) == 0x681CU, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_rip) == 0x681EU, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_rflags) == 0x6820U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_pending_debug_exceptions) == 0x6822U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_sysenter_esp) == 0x6824U, "SDM Appendix B.4.3");
static_assert(encoding_of(vmcs_field::guest_sysenter_eip) == 0x6826U, "SDM Appendix B.4.3");
// Appendix B.4.4 Natural-Width Host-State Fields.
static_assert(encoding_of(vmcs_field::host_cr0) == 0x6C00U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_cr3) == 0x6C02U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_cr4) == 0x6C04U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_fs_base) == 0x6C06U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_gs_base) == 0x6C08U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_tr_base) == 0x6C0AU, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_gdtr_base) == 0x6C0CU, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_idtr_base) == 0x6C0EU, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_sysenter_esp) == 0x6C10U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_sysenter_eip) == 0x6C12U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_rsp) == 0x6C14U, "SDM Appendix B.4.4");
static_assert(encoding_of(vmcs_field::host_rip) == 0x6C16U, "SDM Appendix B.4.4");

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
