#pragma once
// The vocabulary shared by the simulated CPU, the two virtualization models
// and the checker: kinds of events, what a VM exit carries out of the CPU
// before a VMCB or VMCS gives it its vendor encoding, and the records of what
// the guest saw.

#include <array>
#include <cstdint>
#include <string>

#include "hvstep/sim/decoder.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

// How an event reaches the IDT (SDM Vol. 3C §25.8.3 interruption types; APM §15.20).
enum class event_type : std::uint8_t {
    external = 0,
    nmi = 2,
    hardware_exception = 3,
    software_interrupt = 4,   // INT n
    privileged_software = 5,  // INT1 / ICEBP
    software_exception = 6,   // INT3, INTO
};

namespace vec {
inline constexpr std::uint8_t de = 0, db = 1, nmi = 2, bp = 3, ud = 6, df = 8, gp = 13, pf = 14;
}

constexpr bool pushes_error_code(std::uint8_t v) noexcept {
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

struct event {
    std::uint8_t vector = 0;
    event_type type = event_type::hardware_exception;
    bool has_error = false;
    std::uint32_t error = 0;
    bool fault = false;          // fault-class: the pushed RIP is the instruction's; RF set in the image
    std::uint64_t return_rip = 0;  // the RIP to push
    std::uint64_t cr2 = 0;       // #PF: the address (written to CR2 natively)
    std::uint64_t db_conditions = 0;  // #DB: DR6 bits in positive polarity
};

// Why the CPU stopped for the virtualization layer.
enum class exit_kind : std::uint8_t {
    none,
    exception,         // an intercepted exception about to be delivered (state before delivery)
    instruction,       // an intercepted instruction, not executed (RIP at it)
    mtf,               // monitor trap flag (VMX)
    interrupt_window,  // VMX interrupt-window exiting / SVM VINTR
    nmi_window,
};

struct exit_info {
    exit_kind kind = exit_kind::none;
    event ev{};       // exception
    insn i{};         // instruction (also the faulting/trapping instruction where known)
    std::uint64_t rip = 0, next_rip = 0;
    bool vectoring = false;  // exception hit while delivering another event
    event vectoring_event{};
};

// One thing the guest can observe happening: an event delivered through its IDT.
struct guest_event {
    std::uint64_t boundary = 0;  // boundaries crossed before it (native counting)
    std::uint8_t vector = 0;
    event_type type = event_type::hardware_exception;
    bool has_error = false;
    std::uint32_t error = 0;
    std::uint64_t pushed_rip = 0, pushed_rflags = 0, pushed_rsp = 0;
    std::uint16_t pushed_cs = 0;
    std::uint64_t dr6 = 0, dr7 = 0, cr2 = 0;  // as the handler finds them
    std::array<std::uint64_t, 16> gpr{};
    bool injected = false;  // delivered by VM entry (not guest-visible; for traces only)
};

std::string inline event_name(std::uint8_t v) {
    static const char* names[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09",
                                  "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM"};
    if (v < 20) return names[v];
    return "int" + std::to_string(v);
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
