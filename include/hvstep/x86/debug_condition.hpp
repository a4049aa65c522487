#pragma once
// Whether a #DB is fault-class or trap-class, from its conditions and DR7.
// Intel SDM Vol. 3B §18.3.1 "Debug Exception (#DB)—Interrupt Vector 1", Table
// 18-2 "Debug Exception Conditions"; AMD APM Vol. 2 §13.1.3 "Using Breakpoints",
// Table 13-2 "Breakpoint Location by Condition".
// (SDM numbering: the edition whose debug chapter is 18; see x86/dr6.hpp.)
//
// The class decides how a #DB may be re-injected and resumed: a fault leaves the
// instruction unexecuted (resume it with RF=1 so the instruction breakpoint does
// not fire again), a trap follows a completed instruction and must never be
// replayed as a fault (Xen's infinite #DB loop).
//
// Input is DR6 in positive polarity (`dr6::to_conditions`, or a VMX exit
// qualification / pending-debug-exceptions value used as is): a value collected
// from one #DB, not the sticky guest DR6, which accumulates causes over time.

#include <cstdint>

#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"

namespace hvstep {
inline namespace v0 {
namespace x86 {

enum class db_class : std::uint8_t {
    // No recognised condition. INT1/ICEBP is delivered as a trap with no DR6
    // bit (SDM Table 18-2); it is recognised by its event type, not here.
    none,
    // Only fault conditions: an enabled instruction breakpoint hit or general
    // detect (BD), or an RTM rollback.
    fault,
    // Only trap conditions: single-step (BS), task switch (BT), an enabled data
    // or I/O breakpoint hit, or a bus lock (BLD).
    trap,
    // Fault and trap conditions together. One delivery cannot carry both: fault
    // conditions are detected before an instruction executes and the instruction
    // then does not execute, so it has no traps; traps of the previous instruction
    // are delivered first (SDM §6.9, Table 6-2, priority 4 before priority 7;
    // APM §13.1.3). `mixed` therefore means the input merged several #DBs (e.g. a
    // sticky DR6). Handle it as `trap`: the trap conditions happened and must be
    // reported once, while every fault condition is detected again when the
    // instruction is retried with RF=0, so nothing is lost.
    mixed,
};

// Enabled instruction breakpoints that hit: B_n set, L_n or G_n set, and
// R/W_n == execute (SDM §18.3.1.1 "Instruction-Breakpoint Exception Condition";
// APM §13.1.3.1). B_n of a disabled breakpoint is ignored because Intel may set
// it anyway (SDM §18.2.3). Laid out like DR6.B0-B3.
constexpr std::uint64_t instruction_breakpoint_hits(std::uint64_t conditions,
                                                    std::uint64_t dr7) noexcept {
    return conditions & dr6::breakpoint_hits.mask & dr7::enabled_mask(dr7) &
           dr7::condition_mask(dr7, dr7::breakpoint_condition::execute);
}

// Enabled data and I/O breakpoints that hit: B_n set, L_n or G_n set, and R/W_n
// != execute (SDM §18.3.1.2 "Data Memory and I/O Breakpoint Exception
// Conditions"; APM §13.1.3.2, §13.1.3.3). Laid out like DR6.B0-B3.
constexpr std::uint64_t data_breakpoint_hits(std::uint64_t conditions, std::uint64_t dr7) noexcept {
    return conditions & dr6::breakpoint_hits.mask & dr7::enabled_mask(dr7) &
           ~dr7::condition_mask(dr7, dr7::breakpoint_condition::execute);
}

// True when the conditions contain a fault-class cause (SDM Table 18-2:
// instruction breakpoint and general detect are faults).
constexpr bool has_fault_condition(std::uint64_t conditions, std::uint64_t dr7) noexcept {
    return instruction_breakpoint_hits(conditions, dr7) != 0 || dr6::bd.is_set(conditions);
}

// True when the conditions contain a trap-class cause (SDM Table 18-2: data and
// I/O breakpoints, single-step and task switch are traps; APM §13.1.3.6: the bus
// lock #DB is a trap).
constexpr bool has_trap_condition(std::uint64_t conditions, std::uint64_t dr7) noexcept {
    return data_breakpoint_hits(conditions, dr7) != 0 || dr6::bs.is_set(conditions) ||
           dr6::bt.is_set(conditions) || dr6::bld.is_set(conditions);
}

// The class of the #DB that reported `conditions` under `dr7`.
//
// RTM comes first: a #DB inside an RTM region under advanced RTM debugging rolls
// execution back to just before XBEGIN and reports it there with DR6.RTM=0,
// whatever condition triggered it (SDM §18.3.3; SDM Vol. 1 §16.3.7). Nothing in
// the region was committed and the saved RIP is the XBEGIN, which is what a
// fault means (SDM §6.5, "Program State Change"), even when BS or a data
// breakpoint is reported alongside.
constexpr db_class classify_db(std::uint64_t conditions, std::uint64_t dr7) noexcept {
    if (dr6::rtm.is_set(conditions)) {
        return db_class::fault;
    }
    const bool fault = has_fault_condition(conditions, dr7);
    const bool trap = has_trap_condition(conditions, dr7);
    if (fault && trap) {
        return db_class::mixed;
    }
    if (fault) {
        return db_class::fault;
    }
    return trap ? db_class::trap : db_class::none;
}

}  // namespace x86
}  // namespace v0
}  // namespace hvstep
