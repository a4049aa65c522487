#pragma once
// Exception vectors, their classes and error codes, and the vendor-neutral kinds
// of event a hypervisor observes or injects.
// Intel SDM Vol. 3A §6.2 "Exception and Interrupt Vectors", §6.5 "Exception
// Classifications", §6.15 "Exception and Interrupt Reference", Table 6-1
// "Protected-Mode Exceptions and Interrupts";
// AMD APM Vol. 2 §8.2 "Vectors", Table 8-1 "Interrupt Vector Source and Cause",
// Table 8-2 "Interrupt Vector Classification".
// (SDM numbering: the edition whose debug chapter is 18; see x86/dr6.hpp.)
//
// The VMX interruption-type and SVM EVENTINJ/EXITINTINFO encodings live in vmx/
// and svm/; they map to and from `event_kind`.

#include <cstdint>

namespace hvstep {
inline namespace v0 {
namespace x86 {

// Architectural exception vectors (SDM Table 6-1; APM Table 8-1). Any other
// vector (reserved ones, 32-255) is representable with static_cast.
enum class vector : std::uint8_t {
    de = 0,   // divide error
    db = 1,   // debug
    nmi = 2,  // non-maskable interrupt
    bp = 3,   // breakpoint (INT3)
    of = 4,   // overflow (INTO)
    br = 5,   // BOUND range exceeded
    ud = 6,   // invalid opcode
    nm = 7,   // device not available
    df = 8,   // double fault
    ts = 10,  // invalid TSS
    np = 11,  // segment not present
    ss = 12,  // stack-segment fault
    gp = 13,  // general protection
    pf = 14,  // page fault
    mf = 16,  // x87 floating-point error
    ac = 17,  // alignment check
    mc = 18,  // machine check
    xm = 19,  // SIMD floating-point
    ve = 20,  // virtualization exception (Intel)
    cp = 21,  // control protection
    vc = 29,  // VMM communication exception (AMD SEV-ES; APM §8.2, Table 8-1)
    sx = 30,  // security exception (AMD; APM §8.2, Table 8-1)
};

// The first vector that is not reserved for exceptions (SDM §6.2; APM §8.2).
inline constexpr unsigned first_external_vector = 32;

// Exception classes (SDM §6.5; APM §8.2, Table 8-2).
enum class exception_class : std::uint8_t {
    fault,          // reported before the instruction; saved RIP points at it
    trap,           // reported after the instruction; saved RIP points past it
    abort,          // imprecise, no reliable restart (#DF, #MC)
    interrupt,      // NMI and vectors 32-255
    fault_or_trap,  // #DB: the class depends on the condition, see x86/debug_condition.hpp
    reserved,       // vectors 15, 22-28 and 31, reserved by the SDM (AMD uses 28 for
                    // #HV in SEV-SNP guests only; hvstep does not name it)
};

// The class of `v` when raised as an exception (SDM Table 6-1 "Type" column;
// APM Table 8-2). Vector 9 (coprocessor segment overrun) is listed as a fault
// by SDM Table 6-1; processors since the Intel486 never raise it.
constexpr exception_class classify(vector v) noexcept {
    const auto n = static_cast<std::uint8_t>(v);
    if (n >= first_external_vector) {
        return exception_class::interrupt;
    }
    switch (v) {
        case vector::db: return exception_class::fault_or_trap;
        case vector::nmi: return exception_class::interrupt;
        case vector::bp:
        case vector::of: return exception_class::trap;
        case vector::df:
        case vector::mc: return exception_class::abort;
        case vector::de:
        case vector::br:
        case vector::ud:
        case vector::nm:
        case vector::ts:
        case vector::np:
        case vector::ss:
        case vector::gp:
        case vector::pf:
        case vector::mf:
        case vector::ac:
        case vector::xm:
        case vector::ve:
        case vector::cp:
        case vector::vc:
        case vector::sx: return exception_class::fault;
    }
    return n == 9 ? exception_class::fault : exception_class::reserved;
}

// Whether `v`, delivered as a hardware exception in protected mode, pushes an
// error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP (SDM Table 6-1 "Error Code"
// column, and the matching VM-entry check on injected events, SDM Vol. 3C
// §27.2.1.3 "Checks on VM-Entry Control Fields"), and on AMD also #VC and #SX
// (APM §8.2, the #VC and #SX vector descriptions).
constexpr bool has_error_code(vector v) noexcept {
    switch (v) {
        case vector::df:
        case vector::ts:
        case vector::np:
        case vector::ss:
        case vector::gp:
        case vector::pf:
        case vector::ac:
        case vector::cp:
        case vector::vc:
        case vector::sx: return true;
        default: return false;
    }
}

// The kinds of event delivered through the IDT, named after what raised them
// rather than after either vendor's encoding (SDM Vol. 3C §25.8.3 "VM-Entry
// Controls for Event Injection"; APM §15.20 "Event Injection").
enum class event_kind : std::uint8_t {
    external_interrupt,             // INTR from the APIC/PIC
    nmi,                            // non-maskable interrupt
    hardware_exception,             // raised by the processor, including #DB and
                                    // #BP/#OF not caused by INT3/INTO
    software_interrupt,             // INT n (opcode CD ib), including INT 3 / INT 1
                                    // spelled as CD 03 / CD 01
    privileged_software_exception,  // INT1 / ICEBP (opcode F1)
    software_exception,             // INT3 (CC) and INTO (CE)
};

// Events raised by executing an instruction: they are delivered after it, push
// the address of the next instruction, and need the instruction length when a
// hypervisor re-injects them (SDM §6.4.2 "Software-Generated Exceptions",
// §25.8.3; APM §15.20).
constexpr bool is_software_event(event_kind k) noexcept {
    return k == event_kind::software_interrupt || k == event_kind::privileged_software_exception ||
           k == event_kind::software_exception;
}

// Whether delivering `v` as an event of kind `k` pushes an error code. Only
// hardware exceptions do, and only when CR0.PE=1: real-mode delivery never
// pushes one (SDM §6.13 "Error Code"; SDM Vol. 3C §27.2.1.3 states the rule
// for injected events: deliver-error-code requires CR0.PE=1 or no unrestricted guest).
constexpr bool pushes_error_code(event_kind k, vector v, bool protected_mode) noexcept {
    return k == event_kind::hardware_exception && protected_mode && has_error_code(v);
}

}  // namespace x86
}  // namespace v0
}  // namespace hvstep
