#pragma once
// The three interruption-information fields share one layout:
//  - VM-entry interruption information (0x4016): the event to inject,
//    Intel SDM Vol. 3C §25.8.3 "VM-Entry Controls for Event Injection";
//  - VM-exit interruption information (0x4404): the event that caused the exit,
//    §25.9.2 "Information for VM Exits Due to Vectored Events";
//  - IDT-vectoring information (0x4408): the event being delivered when the
//    exit occurred, §25.9.3 "Information for VM Exits That Occur During Event Delivery".
// Differences: bit 12 is "NMI unblocking due to IRET" only in the VM-exit
// field (undefined in IDT-vectoring, reserved in VM-entry); bit 11 is "error
// code valid" on exit and "deliver error code" on entry.

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

namespace interruption_info {
// Bits 7:0: vector of the interrupt or exception.
inline constexpr x86::field<0, 8> vector{};
// Bits 10:8: interruption type (see `interruption_type`).
inline constexpr x86::field<8, 3> type{};
// Bit 11 on exit: an error code was pushed / is in the matching error-code field.
inline constexpr x86::field<11> error_code_valid{};
// Bit 11 on entry: push the VM-entry exception error code (same bit, the entry field's name).
inline constexpr x86::field<11> deliver_error_code{};
// Bit 12, VM-exit field only: the exiting event's IRET had unblocked NMIs, so
// virtual-NMI/NMI blocking must be restored before resuming (§28.2.3 "Information
// About NMI Unblocking Due to IRET").
inline constexpr x86::field<12> nmi_unblocking_due_to_iret{};
// Bit 31: the field holds an event.
inline constexpr x86::field<31> valid{};
}  // namespace interruption_info

// Bits 10:8 (§25.8.3 Table "Format of the VM-Entry Interruption-Information
// Field"). 1 is reserved. On VM exits, types 4 and 7 are not used in the VM-exit
// interruption information; INT1/ICEBP is type 5 with vector 1, #DB from any
// other source is type 3 with vector 1, and INT3/INTO are type 6.
enum class interruption_type : std::uint8_t {
    external_interrupt = 0,
    nmi = 2,
    hardware_exception = 3,
    software_interrupt = 4,
    privileged_software_exception = 5,
    software_exception = 6,
    other_event = 7,
};

// A valid interruption-information value. The caller decides `deliver_error_code`:
// VM entry fails unless it is set exactly for hardware exceptions that push an
// error code (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP) in protected mode
// (§27.2.1.3 "Checks on VM-Entry Control Fields"), a check that processors
// reporting IA32_VMX_BASIC bit 56 relax (Appendix A.1). Software interrupts and
// exceptions also need the VM-entry instruction length (0x401A).
constexpr std::uint32_t make_interruption_info(std::uint8_t vector, interruption_type type,
                                               bool deliver_error_code) noexcept {
    std::uint64_t raw = interruption_info::valid.mask;
    raw = interruption_info::vector.set(raw, vector);
    raw = interruption_info::type.set(raw, static_cast<std::uint64_t>(type));
    raw = interruption_info::deliver_error_code.assign(raw, deliver_error_code);
    return static_cast<std::uint32_t>(raw);
}

// Injecting type 7 ("other event") with vector 0 makes an MTF VM exit pending
// on the instruction boundary after VM entry, even if the monitor-trap-flag
// control is 0 (§27.6.2 "Injection of Pending MTF VM Exits"). This is how a
// hypervisor hands back an MTF exit that an SMM VM exit or its own emulation
// pre-empted.
inline constexpr std::uint32_t pending_mtf_vm_exit_injection =
    make_interruption_info(0, interruption_type::other_event, false);

// Decoders; total over every 32-bit value.
constexpr bool interruption_valid(std::uint32_t info) noexcept { return interruption_info::valid.is_set(info); }

constexpr std::uint8_t interruption_vector(std::uint32_t info) noexcept {
    return static_cast<std::uint8_t>(interruption_info::vector.get(info));
}

// Any 3-bit value converts to `interruption_type` (fixed underlying type), so
// the reserved value 1 comes back as `interruption_type{1}`, not as UB.
constexpr interruption_type interruption_type_of(std::uint32_t info) noexcept {
    return static_cast<interruption_type>(interruption_info::type.get(info));
}

constexpr bool interruption_error_code_valid(std::uint32_t info) noexcept {
    return interruption_info::error_code_valid.is_set(info);
}

constexpr bool interruption_nmi_unblocking_due_to_iret(std::uint32_t info) noexcept {
    return interruption_info::nmi_unblocking_due_to_iret.is_set(info);
}

// Whether a VM entry with this VM-entry interruption information is "vectoring"
// (valid, and type 0 or 2-6): such an entry delivers an event and clears
// blocking by STI and MOV SS (§27.7 "Special Features of VM Entry", §27.7.1
// "Interruptibility State"). Type 7 (pending MTF) and reserved type 1 are not.
constexpr bool is_vectoring_entry(std::uint32_t entry_info) noexcept {
    if (!interruption_valid(entry_info)) {
        return false;
    }
    switch (interruption_type_of(entry_info)) {
        case interruption_type::external_interrupt:
        case interruption_type::nmi:
        case interruption_type::hardware_exception:
        case interruption_type::software_interrupt:
        case interruption_type::privileged_software_exception:
        case interruption_type::software_exception:
            return true;
        case interruption_type::other_event:
            return false;
    }
    return false;
}

// Whether this VM-entry interruption information injects a pending MTF VM exit (§27.6.2).
constexpr bool is_pending_mtf_injection(std::uint32_t entry_info) noexcept {
    return interruption_valid(entry_info) && interruption_type_of(entry_info) == interruption_type::other_event &&
           interruption_vector(entry_info) == 0;
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
