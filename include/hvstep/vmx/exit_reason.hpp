#pragma once
// The exit-reason VMCS field (0x4402): its format and the basic exit reasons.
// Intel SDM Vol. 3C §25.9.1 "Basic VM-Exit Information" (Table "Format of Exit
// Reason") and Appendix C "VMX Basic Exit Reasons" (Table C-1).

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

// Basic exit reasons, numbered as in Appendix C. With the entry-failure bit set
// (exit_reason_format::vm_entry_failure) only invalid_guest_state, msr_loading
// and machine_check_during_entry occur.
enum class exit_reason : std::uint16_t {
    exception_or_nmi = 0,
    external_interrupt = 1,
    triple_fault = 2,
    init = 3,
    sipi = 4,
    io_smi = 5,
    other_smi = 6,
    interrupt_window = 7,
    nmi_window = 8,
    task_switch = 9,
    cpuid = 10,
    getsec = 11,
    hlt = 12,
    invd = 13,
    invlpg = 14,
    rdpmc = 15,
    rdtsc = 16,
    rsm = 17,
    vmcall = 18,
    vmclear = 19,
    vmlaunch = 20,
    vmptrld = 21,
    vmptrst = 22,
    vmread = 23,
    vmresume = 24,
    vmwrite = 25,
    vmxoff = 26,
    vmxon = 27,
    cr_access = 28,
    mov_dr = 29,
    io_instruction = 30,
    rdmsr = 31,
    wrmsr = 32,
    invalid_guest_state = 33,
    msr_loading = 34,
    // 35 is not used.
    mwait = 36,
    monitor_trap_flag = 37,
    // 38 is not used.
    monitor = 39,
    pause = 40,
    machine_check_during_entry = 41,
    // 42 is not used.
    tpr_below_threshold = 43,
    apic_access = 44,
    virtualized_eoi = 45,
    gdtr_idtr_access = 46,
    ldtr_tr_access = 47,
    ept_violation = 48,
    ept_misconfig = 49,
    invept = 50,
    rdtscp = 51,
    vmx_preemption_timer_expired = 52,
    invvpid = 53,
    wbinvd = 54,
    xsetbv = 55,
    apic_write = 56,
    rdrand = 57,
    invpcid = 58,
    vmfunc = 59,
    encls = 60,
    rdseed = 61,
    page_modification_log_full = 62,
    xsaves = 63,
    xrstors = 64,
    pconfig = 65,
    spp_related_event = 66,
    umwait = 67,
    tpause = 68,
    loadiwkey = 69,
    enclv = 70,
    // 71 is not listed here.
    enqcmd_pasid_translation_failure = 72,
    enqcmds_pasid_translation_failure = 73,
    bus_lock = 74,
    instruction_timeout = 75,
    seamcall = 76,
    tdcall = 77,
};

// Fields of the 32-bit exit-reason value (§25.9.1, Table "Format of Exit Reason").
namespace exit_reason_format {
// Bits 15:0: the basic exit reason (Appendix C).
inline constexpr x86::field<0, 16> basic{};
// Bit 26: the exit happened after a bus lock was asserted while "VMM bus-lock detection" was 1.
inline constexpr x86::field<26> bus_lock_asserted{};
// Bit 27: the exit was incident to enclave mode.
inline constexpr x86::field<27> enclave_mode{};
// Bit 28: an SMM VM exit took priority over an MTF VM exit that would
// otherwise have occurred (SDM Vol. 3C, System Management Mode chapter, section
// "SMM VM Exits"); the MTF exit is still owed. (Bit 26 is the bus-lock bit, not this one.)
inline constexpr x86::field<28> pending_mtf_vm_exit{};
// Bit 29: the exit came from VMX root operation (SMM VM exits only).
inline constexpr x86::field<29> exit_from_vmx_root{};
// Bit 31: VM-entry failure; bits 15:0 then say why the entry failed.
inline constexpr x86::field<31> vm_entry_failure{};
}  // namespace exit_reason_format

// The basic exit reason of a raw exit-reason value. Defined for every input:
// the 16-bit value is kept even if it names no reason this header lists (the
// underlying type is fixed, so any 16-bit value is a valid `exit_reason`);
// test it with `is_known`.
constexpr exit_reason basic_reason(std::uint32_t raw) noexcept {
    return static_cast<exit_reason>(exit_reason_format::basic.get(raw));
}

constexpr bool is_vm_entry_failure(std::uint32_t raw) noexcept {
    return exit_reason_format::vm_entry_failure.is_set(raw);
}

// Whether `reason` is one of the enumerators above (numbers Appendix C assigns).
constexpr bool is_known(exit_reason reason) noexcept {
    const auto n = static_cast<std::uint16_t>(reason);
    if (n > static_cast<std::uint16_t>(exit_reason::tdcall)) {
        return false;
    }
    return n != 35 && n != 38 && n != 42 && n != 71;
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
