#pragma once
// The vocabulary of a step request and of a step report, shared by every
// policy. Nothing here decides anything; the machines are in the other core/
// headers.

#include <cstdint>

namespace hvstep {
inline namespace v0 {
namespace core {

// Up to eight independent clients (a debugger, an introspection engine, an
// NMI-window detector, ...) may want a step at the same time. One hardware trap
// serves all of them; each is named by a bit so a report says whom it is for.
struct client_set {
    std::uint8_t bits = 0;

    static constexpr client_set none() noexcept { return client_set{}; }
    static constexpr client_set only(unsigned client) noexcept {
        return client_set{static_cast<std::uint8_t>(client < 8U ? (1U << client) : 0U)};
    }
    constexpr bool empty() const noexcept { return bits == 0; }
    constexpr bool contains(unsigned client) const noexcept {
        return client < 8U && ((bits >> client) & 1U) != 0;
    }
    constexpr client_set operator|(client_set other) const noexcept {
        return client_set{static_cast<std::uint8_t>(bits | other.bits)};
    }
    constexpr client_set operator&(client_set other) const noexcept {
        return client_set{static_cast<std::uint8_t>(bits & other.bits)};
    }
    constexpr client_set without(client_set other) const noexcept {
        return client_set{static_cast<std::uint8_t>(bits & ~other.bits)};
    }
    constexpr bool operator==(client_set other) const noexcept { return bits == other.bits; }
    constexpr bool operator!=(client_set other) const noexcept { return bits != other.bits; }
};

// Well-known client slots; any number below 8 works.
namespace clients {
inline constexpr unsigned debugger = 0;
inline constexpr unsigned introspection = 1;
inline constexpr unsigned nmi_window = 2;
}  // namespace clients

// What one step means for a client.
enum class granularity : std::uint8_t {
    instruction,  // one instruction, one REP iteration, one event delivery (MTF counts these)
    branch,       // up to the next taken branch, interrupt or exception (IA32_DEBUGCTL.BTF with TF)
};

// Whether a client wants the step to end once (then it is disarmed) or every
// instruction until it disarms.
enum class persistence : std::uint8_t { one_step, continuous };

// The event policy while a step is armed, as types so that asking a TF policy
// to step into a handler is a compile error rather than a silent leak of TF
// into the pushed frame (SDM Vol. 3A §6.12.1: delivery pushes RFLAGS, then clears TF).
struct hold_events_t {};
struct step_into_events_t {};
inline constexpr hold_events_t hold_events{};
inline constexpr step_into_events_t step_into_events{};

// Why a step ended.
enum class step_cause : std::uint8_t {
    none,
    instruction,           // a trap after one instruction (or a MOV-SS pair, or a REP iteration)
    branch,                // a trap after a taken branch with BTF
    emulated_instruction,  // the hypervisor emulated the instruction; no hardware trap exists
    event_delivery,        // an exception or interrupt was delivered (MTF: RIP is the handler's first)
    host_breakpoint,       // a DR0-DR3 breakpoint claimed by a client hit
};

// One report, for the clients named in it.
struct step_report {
    client_set clients{};
    step_cause cause = step_cause::none;
    std::uint64_t rip = 0;

    constexpr bool any() const noexcept { return !clients.empty(); }
};

// What the instruction about to be stepped does to RFLAGS.TF, as far as the
// hypervisor could tell (it may decode the bytes at RIP with x86/instruction.hpp,
// or say unknown). Only TF mechanisms need it; MTF never touches TF.
enum class next_instruction : std::uint8_t {
    unknown,             // treated as `ordinary`; the PUSHF/SYSCALL fix-ups then cannot happen
    ordinary,            // leaves TF alone and does not copy RFLAGS anywhere the guest sees
    pushes_flags,        // PUSHF/PUSHFD/PUSHFQ: the flags image lands on the stack
    loads_flags,         // POPF, IRET: TF after it is the value it loaded; a loaded 1 traps after the next
    sysret,              // SYSRET: loads RFLAGS from R11, and a loaded TF=1 traps right after SYSRET itself
    syscall,             // SYSCALL: RFLAGS (with TF) is copied into R11, then masked by SFMASK
    software_interrupt,  // INT n: pushes RFLAGS and cannot be intercepted on VMX
};

}  // namespace core
}  // namespace v0
}  // namespace hvstep
