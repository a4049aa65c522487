#pragma once
// EVENTINJ (VMCB 0A8h) and EXITINTINFO (VMCB 088h) share one 64-bit encoding:
// AMD APM Vol. 2 §15.20 "Event Injection", Figure 15-5 and Table 15-11;
// §15.7.2 "Intercepts During IDT Interrupt Delivery", Figure 15-1 and Table 15-1.
//
// Two rules from §15.20 matter to a stepper re-injecting what it intercepted:
// - an exception (TYPE 3) with vector 3 or 4 is delivered like INT3/INTO, DPL check included;
// - an intercepted vector-1 event raised by ICEBP cannot be injected faithfully (ICEBP skips the
//   DPL check): the hypervisor has to emulate its delivery.

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace svm {

namespace eventinj {
inline constexpr x86::field<0, 8> vector{};     // ignored for TYPE 2 (NMI)
inline constexpr x86::field<8, 3> type{};       // svm::event_type
inline constexpr x86::field<11> error_code_valid{};  // EV: push error_code
inline constexpr x86::field<12, 19> reserved{};  // SBZ
inline constexpr x86::field<31> valid{};         // V
inline constexpr x86::field<32, 32> error_code{};
}  // namespace eventinj

// EXITINTINFO uses the EVENTINJ layout; on an exit, V says the guest was delivering this event
// through the IDT when the intercept hit (§15.7.2).
namespace exitintinfo = eventinj;

// Table 15-11 "Guest Exception or Interrupt Types"; 1, 5, 6 and 7 are reserved. INT3, INTO and
// INT1/ICEBP are reported as exceptions (3), only INTn (CDh) as a software interrupt (Table 15-1).
enum class event_type : std::uint8_t {
    external_interrupt = 0,  // external or virtual interrupt (INTR)
    nmi = 2,
    exception = 3,  // fault or trap
    software_interrupt = 4,
};

// An EVENTINJ value with V clear: nothing to inject.
inline constexpr std::uint64_t no_event = 0;

constexpr bool is_defined_event_type(std::uint64_t type) noexcept {
    return type == static_cast<std::uint8_t>(event_type::external_interrupt) ||
           type == static_cast<std::uint8_t>(event_type::nmi) ||
           type == static_cast<std::uint8_t>(event_type::exception) ||
           type == static_cast<std::uint8_t>(event_type::software_interrupt);
}

// A valid EVENTINJ value. Without an error code the ERRORCODE half is left zero, so equal events
// encode equally; the type is masked to its three bits.
constexpr std::uint64_t make_event_injection(std::uint8_t vector, event_type type, bool has_error_code = false,
                                             std::uint32_t error_code = 0) noexcept {
    std::uint64_t value = eventinj::valid.mask;
    value = eventinj::vector.set(value, vector);
    value = eventinj::type.set(value, static_cast<std::uint8_t>(type));
    if (has_error_code) {
        value = eventinj::error_code_valid.with(value);
        value = eventinj::error_code.set(value, error_code);
    }
    return value;
}

constexpr bool event_valid(std::uint64_t value) noexcept { return eventinj::valid.is_set(value); }
constexpr std::uint8_t event_vector(std::uint64_t value) noexcept {
    return static_cast<std::uint8_t>(eventinj::vector.get(value));
}
// The raw TYPE field as the enum; may hold a reserved value (check is_defined_event_type).
constexpr event_type event_type_of(std::uint64_t value) noexcept {
    return static_cast<event_type>(eventinj::type.get(value));
}
constexpr bool event_has_error_code(std::uint64_t value) noexcept {
    return eventinj::error_code_valid.is_set(value);
}
// The error code when EV is set, 0 otherwise (the manual leaves it undefined then).
constexpr std::uint32_t event_error_code(std::uint64_t value) noexcept {
    return event_has_error_code(value) ? static_cast<std::uint32_t>(eventinj::error_code.get(value)) : 0U;
}

struct decoded_event {
    bool valid;
    std::uint8_t vector;
    event_type type;
    bool has_error_code;
    std::uint32_t error_code;  // 0 unless has_error_code
};

constexpr decoded_event decode_event(std::uint64_t value) noexcept {
    return decoded_event{event_valid(value), event_vector(value), event_type_of(value), event_has_error_code(value),
                         event_error_code(value)};
}

// Whether VMRUN would accept `value` as EVENTINJ rather than exit with VMEXIT_INVALID (§15.20):
// V set, reserved bits zero, a defined TYPE, and for TYPE 3 a vector below 32 other than 2 (the
// NMI vector). Which vectors below 32 are real exceptions is model-specific; this check does not
// guess, nor does it check that the guest's mode allows the event.
constexpr bool is_well_formed_injection(std::uint64_t value) noexcept {
    if (!event_valid(value) || eventinj::reserved.get(value) != 0 || !is_defined_event_type(eventinj::type.get(value))) {
        return false;
    }
    if (event_type_of(value) == event_type::exception) {
        const std::uint8_t vector = event_vector(value);
        return vector < 32U && vector != 2U;
    }
    return true;
}

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
