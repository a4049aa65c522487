// VMCS field encodings: every named field against the number printed in
// Intel SDM Appendix B, and the encoder/decoders of §25.11.2 against each other.

#include <cstdint>

#include "dual_test.hpp"
#include "hvstep/vmx/vmcs_encoding.hpp"
#include "hvstep/vmx/vmcs_field.hpp"

namespace {

using hvstep::vmx::access_type;
using hvstep::vmx::field_type;
using hvstep::vmx::field_width;
using hvstep::vmx::vmcs_field;

struct sdm_entry {
    vmcs_field field;
    std::uint32_t sdm_encoding;
    field_width width;
    field_type type;
    access_type access;
    std::uint32_t index;
};

// Appendix B, transcribed: the encoding and the parts the appendix's table places it under.
constexpr sdm_entry sdm_table[] = {
    {vmcs_field::virtual_processor_id, 0x0000U, field_width::word16, field_type::control, access_type::full, 0U},
    {vmcs_field::posted_interrupt_notification_vector, 0x0002U, field_width::word16, field_type::control, access_type::full, 1U},
    {vmcs_field::eptp_index, 0x0004U, field_width::word16, field_type::control, access_type::full, 2U},
    {vmcs_field::guest_es_selector, 0x0800U, field_width::word16, field_type::guest_state, access_type::full, 0U},
    {vmcs_field::guest_cs_selector, 0x0802U, field_width::word16, field_type::guest_state, access_type::full, 1U},
    {vmcs_field::guest_ss_selector, 0x0804U, field_width::word16, field_type::guest_state, access_type::full, 2U},
    {vmcs_field::guest_ds_selector, 0x0806U, field_width::word16, field_type::guest_state, access_type::full, 3U},
    {vmcs_field::guest_fs_selector, 0x0808U, field_width::word16, field_type::guest_state, access_type::full, 4U},
    {vmcs_field::guest_gs_selector, 0x080AU, field_width::word16, field_type::guest_state, access_type::full, 5U},
    {vmcs_field::guest_ldtr_selector, 0x080CU, field_width::word16, field_type::guest_state, access_type::full, 6U},
    {vmcs_field::guest_tr_selector, 0x080EU, field_width::word16, field_type::guest_state, access_type::full, 7U},
    {vmcs_field::guest_interrupt_status, 0x0810U, field_width::word16, field_type::guest_state, access_type::full, 8U},
    {vmcs_field::guest_pml_index, 0x0812U, field_width::word16, field_type::guest_state, access_type::full, 9U},
    {vmcs_field::host_es_selector, 0x0C00U, field_width::word16, field_type::host_state, access_type::full, 0U},
    {vmcs_field::host_cs_selector, 0x0C02U, field_width::word16, field_type::host_state, access_type::full, 1U},
    {vmcs_field::host_ss_selector, 0x0C04U, field_width::word16, field_type::host_state, access_type::full, 2U},
    {vmcs_field::host_ds_selector, 0x0C06U, field_width::word16, field_type::host_state, access_type::full, 3U},
    {vmcs_field::host_fs_selector, 0x0C08U, field_width::word16, field_type::host_state, access_type::full, 4U},
    {vmcs_field::host_gs_selector, 0x0C0AU, field_width::word16, field_type::host_state, access_type::full, 5U},
    {vmcs_field::host_tr_selector, 0x0C0CU, field_width::word16, field_type::host_state, access_type::full, 6U},
    {vmcs_field::io_bitmap_a_address, 0x2000U, field_width::word64, field_type::control, access_type::full, 0U},
    {vmcs_field::io_bitmap_b_address, 0x2002U, field_width::word64, field_type::control, access_type::full, 1U},
    {vmcs_field::msr_bitmap_address, 0x2004U, field_width::word64, field_type::control, access_type::full, 2U},
    {vmcs_field::vm_exit_msr_store_address, 0x2006U, field_width::word64, field_type::control, access_type::full, 3U},
    {vmcs_field::vm_exit_msr_load_address, 0x2008U, field_width::word64, field_type::control, access_type::full, 4U},
    {vmcs_field::vm_entry_msr_load_address, 0x200AU, field_width::word64, field_type::control, access_type::full, 5U},
    {vmcs_field::pml_address, 0x200EU, field_width::word64, field_type::control, access_type::full, 7U},
    {vmcs_field::tsc_offset, 0x2010U, field_width::word64, field_type::control, access_type::full, 8U},
    {vmcs_field::virtual_apic_address, 0x2012U, field_width::word64, field_type::control, access_type::full, 9U},
    {vmcs_field::apic_access_address, 0x2014U, field_width::word64, field_type::control, access_type::full, 10U},
    {vmcs_field::ept_pointer, 0x201AU, field_width::word64, field_type::control, access_type::full, 13U},
    {vmcs_field::guest_physical_address, 0x2400U, field_width::word64, field_type::exit_information, access_type::full, 0U},
    {vmcs_field::vmcs_link_pointer, 0x2800U, field_width::word64, field_type::guest_state, access_type::full, 0U},
    {vmcs_field::guest_debugctl, 0x2802U, field_width::word64, field_type::guest_state, access_type::full, 1U},
    {vmcs_field::guest_debugctl_high, 0x2803U, field_width::word64, field_type::guest_state, access_type::high, 1U},
    {vmcs_field::guest_pat, 0x2804U, field_width::word64, field_type::guest_state, access_type::full, 2U},
    {vmcs_field::guest_efer, 0x2806U, field_width::word64, field_type::guest_state, access_type::full, 3U},
    {vmcs_field::guest_efer_high, 0x2807U, field_width::word64, field_type::guest_state, access_type::high, 3U},
    {vmcs_field::guest_perf_global_ctrl, 0x2808U, field_width::word64, field_type::guest_state, access_type::full, 4U},
    {vmcs_field::guest_pdpte0, 0x280AU, field_width::word64, field_type::guest_state, access_type::full, 5U},
    {vmcs_field::guest_pdpte1, 0x280CU, field_width::word64, field_type::guest_state, access_type::full, 6U},
    {vmcs_field::guest_pdpte2, 0x280EU, field_width::word64, field_type::guest_state, access_type::full, 7U},
    {vmcs_field::guest_pdpte3, 0x2810U, field_width::word64, field_type::guest_state, access_type::full, 8U},
    {vmcs_field::guest_bndcfgs, 0x2812U, field_width::word64, field_type::guest_state, access_type::full, 9U},
    {vmcs_field::guest_rtit_ctl, 0x2814U, field_width::word64, field_type::guest_state, access_type::full, 10U},
    {vmcs_field::host_pat, 0x2C00U, field_width::word64, field_type::host_state, access_type::full, 0U},
    {vmcs_field::host_efer, 0x2C02U, field_width::word64, field_type::host_state, access_type::full, 1U},
    {vmcs_field::host_perf_global_ctrl, 0x2C04U, field_width::word64, field_type::host_state, access_type::full, 2U},
    {vmcs_field::pin_based_controls, 0x4000U, field_width::word32, field_type::control, access_type::full, 0U},
    {vmcs_field::primary_processor_controls, 0x4002U, field_width::word32, field_type::control, access_type::full, 1U},
    {vmcs_field::exception_bitmap, 0x4004U, field_width::word32, field_type::control, access_type::full, 2U},
    {vmcs_field::page_fault_error_code_mask, 0x4006U, field_width::word32, field_type::control, access_type::full, 3U},
    {vmcs_field::page_fault_error_code_match, 0x4008U, field_width::word32, field_type::control, access_type::full, 4U},
    {vmcs_field::cr3_target_count, 0x400AU, field_width::word32, field_type::control, access_type::full, 5U},
    {vmcs_field::vm_exit_controls, 0x400CU, field_width::word32, field_type::control, access_type::full, 6U},
    {vmcs_field::vm_exit_msr_store_count, 0x400EU, field_width::word32, field_type::control, access_type::full, 7U},
    {vmcs_field::vm_exit_msr_load_count, 0x4010U, field_width::word32, field_type::control, access_type::full, 8U},
    {vmcs_field::vm_entry_controls, 0x4012U, field_width::word32, field_type::control, access_type::full, 9U},
    {vmcs_field::vm_entry_msr_load_count, 0x4014U, field_width::word32, field_type::control, access_type::full, 10U},
    {vmcs_field::vm_entry_interruption_info, 0x4016U, field_width::word32, field_type::control, access_type::full, 11U},
    {vmcs_field::vm_entry_exception_error_code, 0x4018U, field_width::word32, field_type::control, access_type::full, 12U},
    {vmcs_field::vm_entry_instruction_length, 0x401AU, field_width::word32, field_type::control, access_type::full, 13U},
    {vmcs_field::tpr_threshold, 0x401CU, field_width::word32, field_type::control, access_type::full, 14U},
    {vmcs_field::secondary_processor_controls, 0x401EU, field_width::word32, field_type::control, access_type::full, 15U},
    {vmcs_field::ple_gap, 0x4020U, field_width::word32, field_type::control, access_type::full, 16U},
    {vmcs_field::ple_window, 0x4022U, field_width::word32, field_type::control, access_type::full, 17U},
    {vmcs_field::vm_instruction_error, 0x4400U, field_width::word32, field_type::exit_information, access_type::full, 0U},
    {vmcs_field::exit_reason, 0x4402U, field_width::word32, field_type::exit_information, access_type::full, 1U},
    {vmcs_field::vm_exit_interruption_info, 0x4404U, field_width::word32, field_type::exit_information, access_type::full, 2U},
    {vmcs_field::vm_exit_interruption_error_code, 0x4406U, field_width::word32, field_type::exit_information, access_type::full, 3U},
    {vmcs_field::idt_vectoring_info, 0x4408U, field_width::word32, field_type::exit_information, access_type::full, 4U},
    {vmcs_field::idt_vectoring_error_code, 0x440AU, field_width::word32, field_type::exit_information, access_type::full, 5U},
    {vmcs_field::vm_exit_instruction_length, 0x440CU, field_width::word32, field_type::exit_information, access_type::full, 6U},
    {vmcs_field::vm_exit_instruction_info, 0x440EU, field_width::word32, field_type::exit_information, access_type::full, 7U},
    {vmcs_field::guest_es_limit, 0x4800U, field_width::word32, field_type::guest_state, access_type::full, 0U},
    {vmcs_field::guest_cs_limit, 0x4802U, field_width::word32, field_type::guest_state, access_type::full, 1U},
    {vmcs_field::guest_ss_limit, 0x4804U, field_width::word32, field_type::guest_state, access_type::full, 2U},
    {vmcs_field::guest_ds_limit, 0x4806U, field_width::word32, field_type::guest_state, access_type::full, 3U},
    {vmcs_field::guest_fs_limit, 0x4808U, field_width::word32, field_type::guest_state, access_type::full, 4U},
    {vmcs_field::guest_gs_limit, 0x480AU, field_width::word32, field_type::guest_state, access_type::full, 5U},
    {vmcs_field::guest_ldtr_limit, 0x480CU, field_width::word32, field_type::guest_state, access_type::full, 6U},
    {vmcs_field::guest_tr_limit, 0x480EU, field_width::word32, field_type::guest_state, access_type::full, 7U},
    {vmcs_field::guest_gdtr_limit, 0x4810U, field_width::word32, field_type::guest_state, access_type::full, 8U},
    {vmcs_field::guest_idtr_limit, 0x4812U, field_width::word32, field_type::guest_state, access_type::full, 9U},
    {vmcs_field::guest_es_access_rights, 0x4814U, field_width::word32, field_type::guest_state, access_type::full, 10U},
    {vmcs_field::guest_cs_access_rights, 0x4816U, field_width::word32, field_type::guest_state, access_type::full, 11U},
    {vmcs_field::guest_ss_access_rights, 0x4818U, field_width::word32, field_type::guest_state, access_type::full, 12U},
    {vmcs_field::guest_ds_access_rights, 0x481AU, field_width::word32, field_type::guest_state, access_type::full, 13U},
    {vmcs_field::guest_fs_access_rights, 0x481CU, field_width::word32, field_type::guest_state, access_type::full, 14U},
    {vmcs_field::guest_gs_access_rights, 0x481EU, field_width::word32, field_type::guest_state, access_type::full, 15U},
    {vmcs_field::guest_ldtr_access_rights, 0x4820U, field_width::word32, field_type::guest_state, access_type::full, 16U},
    {vmcs_field::guest_tr_access_rights, 0x4822U, field_width::word32, field_type::guest_state, access_type::full, 17U},
    {vmcs_field::guest_interruptibility_state, 0x4824U, field_width::word32, field_type::guest_state, access_type::full, 18U},
    {vmcs_field::guest_activity_state, 0x4826U, field_width::word32, field_type::guest_state, access_type::full, 19U},
    {vmcs_field::guest_smbase, 0x4828U, field_width::word32, field_type::guest_state, access_type::full, 20U},
    {vmcs_field::guest_sysenter_cs, 0x482AU, field_width::word32, field_type::guest_state, access_type::full, 21U},
    {vmcs_field::vmx_preemption_timer_value, 0x482EU, field_width::word32, field_type::guest_state, access_type::full, 23U},
    {vmcs_field::host_sysenter_cs, 0x4C00U, field_width::word32, field_type::host_state, access_type::full, 0U},
    {vmcs_field::cr0_guest_host_mask, 0x6000U, field_width::natural, field_type::control, access_type::full, 0U},
    {vmcs_field::cr4_guest_host_mask, 0x6002U, field_width::natural, field_type::control, access_type::full, 1U},
    {vmcs_field::cr0_read_shadow, 0x6004U, field_width::natural, field_type::control, access_type::full, 2U},
    {vmcs_field::cr4_read_shadow, 0x6006U, field_width::natural, field_type::control, access_type::full, 3U},
    {vmcs_field::cr3_target_value0, 0x6008U, field_width::natural, field_type::control, access_type::full, 4U},
    {vmcs_field::cr3_target_value1, 0x600AU, field_width::natural, field_type::control, access_type::full, 5U},
    {vmcs_field::cr3_target_value2, 0x600CU, field_width::natural, field_type::control, access_type::full, 6U},
    {vmcs_field::cr3_target_value3, 0x600EU, field_width::natural, field_type::control, access_type::full, 7U},
    {vmcs_field::exit_qualification, 0x6400U, field_width::natural, field_type::exit_information, access_type::full, 0U},
    {vmcs_field::io_rcx, 0x6402U, field_width::natural, field_type::exit_information, access_type::full, 1U},
    {vmcs_field::io_rsi, 0x6404U, field_width::natural, field_type::exit_information, access_type::full, 2U},
    {vmcs_field::io_rdi, 0x6406U, field_width::natural, field_type::exit_information, access_type::full, 3U},
    {vmcs_field::io_rip, 0x6408U, field_width::natural, field_type::exit_information, access_type::full, 4U},
    {vmcs_field::guest_linear_address, 0x640AU, field_width::natural, field_type::exit_information, access_type::full, 5U},
    {vmcs_field::guest_cr0, 0x6800U, field_width::natural, field_type::guest_state, access_type::full, 0U},
    {vmcs_field::guest_cr3, 0x6802U, field_width::natural, field_type::guest_state, access_type::full, 1U},
    {vmcs_field::guest_cr4, 0x6804U, field_width::natural, field_type::guest_state, access_type::full, 2U},
    {vmcs_field::guest_es_base, 0x6806U, field_width::natural, field_type::guest_state, access_type::full, 3U},
    {vmcs_field::guest_cs_base, 0x6808U, field_width::natural, field_type::guest_state, access_type::full, 4U},
    {vmcs_field::guest_ss_base, 0x680AU, field_width::natural, field_type::guest_state, access_type::full, 5U},
    {vmcs_field::guest_ds_base, 0x680CU, field_width::natural, field_type::guest_state, access_type::full, 6U},
    {vmcs_field::guest_fs_base, 0x680EU, field_width::natural, field_type::guest_state, access_type::full, 7U},
    {vmcs_field::guest_gs_base, 0x6810U, field_width::natural, field_type::guest_state, access_type::full, 8U},
    {vmcs_field::guest_ldtr_base, 0x6812U, field_width::natural, field_type::guest_state, access_type::full, 9U},
    {vmcs_field::guest_tr_base, 0x6814U, field_width::natural, field_type::guest_state, access_type::full, 10U},
    {vmcs_field::guest_gdtr_base, 0x6816U, field_width::natural, field_type::guest_state, access_type::full, 11U},
    {vmcs_field::guest_idtr_base, 0x6818U, field_width::natural, field_type::guest_state, access_type::full, 12U},
    {vmcs_field::guest_dr7, 0x681AU, field_width::natural, field_type::guest_state, access_type::full, 13U},
    {vmcs_field::guest_rsp, 0x681CU, field_width::natural, field_type::guest_state, access_type::full, 14U},
    {vmcs_field::guest_rip, 0x681EU, field_width::natural, field_type::guest_state, access_type::full, 15U},
    {vmcs_field::guest_rflags, 0x6820U, field_width::natural, field_type::guest_state, access_type::full, 16U},
    {vmcs_field::guest_pending_debug_exceptions, 0x6822U, field_width::natural, field_type::guest_state, access_type::full, 17U},
    {vmcs_field::guest_sysenter_esp, 0x6824U, field_width::natural, field_type::guest_state, access_type::full, 18U},
    {vmcs_field::guest_sysenter_eip, 0x6826U, field_width::natural, field_type::guest_state, access_type::full, 19U},
    {vmcs_field::host_cr0, 0x6C00U, field_width::natural, field_type::host_state, access_type::full, 0U},
    {vmcs_field::host_cr3, 0x6C02U, field_width::natural, field_type::host_state, access_type::full, 1U},
    {vmcs_field::host_cr4, 0x6C04U, field_width::natural, field_type::host_state, access_type::full, 2U},
    {vmcs_field::host_fs_base, 0x6C06U, field_width::natural, field_type::host_state, access_type::full, 3U},
    {vmcs_field::host_gs_base, 0x6C08U, field_width::natural, field_type::host_state, access_type::full, 4U},
    {vmcs_field::host_tr_base, 0x6C0AU, field_width::natural, field_type::host_state, access_type::full, 5U},
    {vmcs_field::host_gdtr_base, 0x6C0CU, field_width::natural, field_type::host_state, access_type::full, 6U},
    {vmcs_field::host_idtr_base, 0x6C0EU, field_width::natural, field_type::host_state, access_type::full, 7U},
    {vmcs_field::host_sysenter_esp, 0x6C10U, field_width::natural, field_type::host_state, access_type::full, 8U},
    {vmcs_field::host_sysenter_eip, 0x6C12U, field_width::natural, field_type::host_state, access_type::full, 9U},
    {vmcs_field::host_rsp, 0x6C14U, field_width::natural, field_type::host_state, access_type::full, 10U},
    {vmcs_field::host_rip, 0x6C16U, field_width::natural, field_type::host_state, access_type::full, 11U},
};

// The §25.11.2 bit layout, spelled out independently of the encoder under test.
constexpr std::uint32_t layout(std::uint32_t access, std::uint32_t width, std::uint32_t type, std::uint32_t index) {
    return access | (index << 1) | (type << 10) | (width << 13);
}

constexpr bool check_every_named_field_has_its_sdm_encoding() {
    bool ok = true;
    for (const auto& e : sdm_table) {
        ok = ok && hvstep::vmx::encoding_of(e.field) == e.sdm_encoding;
    }
    return ok;
}
HVSTEP_DUAL_TEST(VmxEncoding, EveryNamedFieldHasItsSdmEncoding, check_every_named_field_has_its_sdm_encoding)

constexpr bool check_every_named_field_decodes_to_its_appendix_b_width_type_and_index() {
    bool ok = true;
    for (const auto& e : sdm_table) {
        ok = ok && hvstep::vmx::width_of(e.field) == e.width && hvstep::vmx::type_of(e.field) == e.type &&
             hvstep::vmx::access_of(e.field) == e.access && hvstep::vmx::index_of(e.field) == e.index &&
             hvstep::vmx::is_well_formed(hvstep::vmx::encoding_of(e.field));
    }
    return ok;
}
HVSTEP_DUAL_TEST(VmxEncoding, EveryNamedFieldDecodesToItsAppendixBWidthTypeAndIndex,
                 check_every_named_field_decodes_to_its_appendix_b_width_type_and_index)

constexpr bool check_named_fields_are_distinct() {
    bool ok = true;
    for (const auto& a : sdm_table) {
        int same = 0;
        for (const auto& b : sdm_table) {
            same += a.field == b.field ? 1 : 0;
        }
        ok = ok && same == 1;
    }
    return ok;
}
HVSTEP_DUAL_TEST(VmxEncoding, NamedFieldsAreDistinct, check_named_fields_are_distinct)

constexpr bool check_the_fields_the_stepper_needs_have_their_sdm_numbers() {
    using hvstep::vmx::encoding_of;
    return encoding_of(vmcs_field::primary_processor_controls) == 0x4002U &&
           encoding_of(vmcs_field::exception_bitmap) == 0x4004U &&
           encoding_of(vmcs_field::vm_entry_interruption_info) == 0x4016U &&
           encoding_of(vmcs_field::exit_reason) == 0x4402U &&
           encoding_of(vmcs_field::exit_qualification) == 0x6400U &&
           encoding_of(vmcs_field::guest_interruptibility_state) == 0x4824U &&
           encoding_of(vmcs_field::guest_debugctl) == 0x2802U &&
           encoding_of(vmcs_field::guest_debugctl_high) == 0x2803U &&
           encoding_of(vmcs_field::guest_rflags) == 0x6820U &&
           encoding_of(vmcs_field::guest_pending_debug_exceptions) == 0x6822U;
}
HVSTEP_DUAL_TEST(VmxEncoding, TheFieldsTheStepperNeedsHaveTheirSdmNumbers,
                 check_the_fields_the_stepper_needs_have_their_sdm_numbers)

constexpr bool check_high_access_is_the_full_encoding_plus_one() {
    using hvstep::vmx::encoding_of;
    return encoding_of(vmcs_field::guest_debugctl_high) == encoding_of(vmcs_field::guest_debugctl) + 1 &&
           encoding_of(vmcs_field::guest_efer_high) == encoding_of(vmcs_field::guest_efer) + 1 &&
           hvstep::vmx::access_of(vmcs_field::guest_debugctl_high) == access_type::high;
}
HVSTEP_DUAL_TEST(VmxEncoding, HighAccessIsTheFullEncodingPlusOne, check_high_access_is_the_full_encoding_plus_one)

constexpr bool check_only_exit_information_fields_are_read_only_type() {
    return hvstep::vmx::is_exit_information(vmcs_field::exit_qualification) &&
           hvstep::vmx::is_exit_information(vmcs_field::vm_exit_interruption_info) &&
           hvstep::vmx::is_exit_information(vmcs_field::guest_physical_address) &&
           !hvstep::vmx::is_exit_information(vmcs_field::guest_pending_debug_exceptions) &&
           !hvstep::vmx::is_exit_information(vmcs_field::vm_entry_interruption_info);
}
HVSTEP_DUAL_TEST(VmxEncoding, OnlyExitInformationFieldsAreReadOnlyType,
                 check_only_exit_information_fields_are_read_only_type)

// Every (access, width, index) of one type: the encoder matches the layout and
// the decoders give the parts back. Split by type to stay inside clang's
// default constexpr step budget.
constexpr bool round_trips_every_encoding_of(field_type type) {
    bool ok = true;
    for (std::uint32_t a = 0; a < 2; ++a) {
        for (std::uint32_t w = 0; w < 4; ++w) {
            for (std::uint32_t i = 0; i <= hvstep::vmx::encoding::max_index; ++i) {
                const auto access = static_cast<access_type>(a);
                const auto width = static_cast<field_width>(w);
                const auto raw = hvstep::vmx::encode(access, width, type, i);
                ok = ok && raw == layout(a, w, static_cast<std::uint32_t>(type), i) &&
                     hvstep::vmx::access_of(raw) == access && hvstep::vmx::width_of(raw) == width &&
                     hvstep::vmx::type_of(raw) == type && hvstep::vmx::index_of(raw) == i &&
                     hvstep::vmx::is_well_formed(raw) == (a == 0 || width == field_width::word64);
            }
        }
    }
    return ok;
}
constexpr bool check_encoding_round_trips_for_every_control_field() {
    return round_trips_every_encoding_of(field_type::control);
}
constexpr bool check_encoding_round_trips_for_every_exit_information_field() {
    return round_trips_every_encoding_of(field_type::exit_information);
}
constexpr bool check_encoding_round_trips_for_every_guest_state_field() {
    return round_trips_every_encoding_of(field_type::guest_state);
}
constexpr bool check_encoding_round_trips_for_every_host_state_field() {
    return round_trips_every_encoding_of(field_type::host_state);
}
HVSTEP_DUAL_TEST(VmxEncoding, EncodingRoundTripsForEveryControlField,
                 check_encoding_round_trips_for_every_control_field)
HVSTEP_DUAL_TEST(VmxEncoding, EncodingRoundTripsForEveryExitInformationField,
                 check_encoding_round_trips_for_every_exit_information_field)
HVSTEP_DUAL_TEST(VmxEncoding, EncodingRoundTripsForEveryGuestStateField,
                 check_encoding_round_trips_for_every_guest_state_field)
HVSTEP_DUAL_TEST(VmxEncoding, EncodingRoundTripsForEveryHostStateField,
                 check_encoding_round_trips_for_every_host_state_field)

constexpr bool check_index_is_taken_modulo_512() {
    using hvstep::vmx::encode;
    return encode(access_type::full, field_width::natural, field_type::guest_state, 512 + 15) ==
               encode(access_type::full, field_width::natural, field_type::guest_state, 15) &&
           encode(access_type::full, field_width::word16, field_type::control, 0xFFFFFFFFU) == 0x03FEU;
}
HVSTEP_DUAL_TEST(VmxEncoding, IndexIsTakenModulo512, check_index_is_taken_modulo_512)

constexpr bool check_reserved_bits_make_an_encoding_ill_formed() {
    using hvstep::vmx::is_well_formed;
    return is_well_formed(0x681EU) && !is_well_formed(0x681EU | 0x1000U) && !is_well_formed(0x681EU | 0x8000U) &&
           !is_well_formed(0x681EU | 0x80000000U) &&
           // High access exists only for 64-bit fields.
           is_well_formed(0x2803U) && !is_well_formed(0x4003U) && !is_well_formed(0x6801U) &&
           !is_well_formed(0x0801U);
}
HVSTEP_DUAL_TEST(VmxEncoding, ReservedBitsMakeAnEncodingIllFormed, check_reserved_bits_make_an_encoding_ill_formed)

constexpr bool check_decoders_ignore_reserved_bits() {
    const std::uint32_t raw = 0x681EU | 0x1000U | 0xFFFF8000U;
    return hvstep::vmx::width_of(raw) == field_width::natural && hvstep::vmx::type_of(raw) == field_type::guest_state &&
           hvstep::vmx::index_of(raw) == 15 && hvstep::vmx::access_of(raw) == access_type::full;
}
HVSTEP_DUAL_TEST(VmxEncoding, DecodersIgnoreReservedBits, check_decoders_ignore_reserved_bits)

constexpr bool check_field_sizes_follow_width() {
    using hvstep::vmx::size_in_bytes;
    return size_in_bytes(field_width::word16) == 2 && size_in_bytes(field_width::word32) == 4 &&
           size_in_bytes(field_width::word64) == 8 && size_in_bytes(field_width::natural) == 8;
}
HVSTEP_DUAL_TEST(VmxEncoding, FieldSizesFollowWidth, check_field_sizes_follow_width)

}  // namespace
