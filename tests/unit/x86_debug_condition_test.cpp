// #DB classification (SDM Vol. 3B §18.3.1, Table 18-2 "Debug Exception
// Conditions"; APM Vol. 2 §13.1.3, Table 13-2).

#include "hvstep/x86/debug_condition.hpp"

#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace x86 = hvstep::x86;
namespace dr6 = hvstep::x86::dr6;
namespace dr7 = hvstep::x86::dr7;
using x86::db_class;

// DR7 with breakpoint n enabled (G_n) and the given R/W_n.
constexpr std::uint64_t armed(unsigned n, dr7::breakpoint_condition c) {
    return dr7::init_value | (std::uint64_t{2} << (2 * n)) |
           (std::uint64_t{static_cast<std::uint8_t>(c)} << (16 + 4 * n));
}

constexpr bool check_instruction_breakpoint_is_a_fault() {
    const std::uint64_t d = armed(0, dr7::breakpoint_condition::execute);
    return x86::classify_db(dr6::b0.mask, d) == db_class::fault &&
           x86::instruction_breakpoint_hits(dr6::b0.mask, d) == 0x1U && x86::data_breakpoint_hits(dr6::b0.mask, d) == 0;
}

constexpr bool check_general_detect_is_a_fault() {
    return x86::classify_db(dr6::bd.mask, dr7::init_value) == db_class::fault;
}

constexpr bool check_data_and_io_breakpoints_are_traps() {
    const dr7::breakpoint_condition data[] = {dr7::breakpoint_condition::write, dr7::breakpoint_condition::io,
                                              dr7::breakpoint_condition::read_write};
    for (const dr7::breakpoint_condition c : data) {
        for (unsigned n = 0; n < dr7::breakpoint_count; ++n) {
            const std::uint64_t hit = std::uint64_t{1} << n;
            if (x86::classify_db(hit, armed(n, c)) != db_class::trap ||
                x86::data_breakpoint_hits(hit, armed(n, c)) != hit ||
                x86::instruction_breakpoint_hits(hit, armed(n, c)) != 0) {
                return false;
            }
        }
    }
    return true;
}

constexpr bool check_single_step_is_a_trap() {
    return x86::classify_db(dr6::bs.mask, dr7::init_value) == db_class::trap &&
           x86::classify_db(dr6::to_conditions(0xFFFF4FF0U), dr7::init_value) == db_class::trap;
}

constexpr bool check_task_switch_is_a_trap() {
    return x86::classify_db(dr6::bt.mask, dr7::init_value) == db_class::trap;
}

constexpr bool check_bus_lock_is_a_trap() {
    return x86::classify_db(dr6::bld.mask, dr7::init_value) == db_class::trap &&
           x86::classify_db(dr6::to_conditions(dr6::bld.without(dr6::init_value)), dr7::init_value) ==
               db_class::trap;
}

// Single-step and the data breakpoint of the same instruction arrive together.
constexpr bool check_single_step_with_data_breakpoint_is_a_trap() {
    const std::uint64_t d = armed(1, dr7::breakpoint_condition::write);
    return x86::classify_db(dr6::bs.mask | dr6::b1.mask, d) == db_class::trap;
}

// Intel may set B_n for a breakpoint DR7 does not enable; such bits say nothing.
constexpr bool check_hits_of_disabled_breakpoints_are_ignored() {
    const std::uint64_t r_w_only = std::uint64_t{3} << 24;  // R/W2 = read/write, not enabled
    const std::uint64_t execute_disabled = dr7::init_value;  // breakpoint 0: execute, not enabled
    return x86::classify_db(dr6::b2.mask, r_w_only) == db_class::none &&
           x86::classify_db(dr6::b0.mask, execute_disabled) == db_class::none &&
           x86::classify_db(dr6::b0.mask | dr6::bs.mask, execute_disabled) == db_class::trap &&
           x86::instruction_breakpoint_hits(dr6::breakpoint_hits.mask, execute_disabled) == 0;
}

// INT1/ICEBP sets no DR6 bit: nothing to classify from DR6.
constexpr bool check_icebp_without_conditions_is_none() {
    return x86::classify_db(0, dr7::init_value) == db_class::none &&
           x86::classify_db(dr6::to_conditions(dr6::init_value), ~std::uint64_t{0}) == db_class::none;
}

// A sticky BS left in DR6 plus an instruction breakpoint: what a guest reads
// from DR6 after such a #DB; no single delivery produces it.
constexpr bool check_fault_and_trap_together_are_mixed() {
    const std::uint64_t d = armed(0, dr7::breakpoint_condition::execute);
    return x86::classify_db(dr6::bs.mask | dr6::b0.mask, d) == db_class::mixed &&
           x86::classify_db(dr6::bd.mask | dr6::bt.mask, dr7::init_value) == db_class::mixed;
}

// An RTM-region #DB rolls back to XBEGIN: nothing completed, so fault-class
// whatever else is reported.
constexpr bool check_rtm_rollback_is_a_fault() {
    const std::uint64_t d = armed(1, dr7::breakpoint_condition::write) | dr7::rtm.mask;
    return x86::classify_db(dr6::rtm.mask | dr6::bs.mask, d) == db_class::fault &&
           x86::classify_db(dr6::rtm.mask | dr6::b1.mask, d) == db_class::fault &&
           x86::classify_db(dr6::to_conditions(0xFFFE0FF2U), d) == db_class::fault;
}

// For every condition set and every enable/R-W layout: the two hit masks split
// the enabled hits exactly, and the class follows from which side is non-empty.
constexpr bool check_classification_is_consistent_for_every_input() {
    const unsigned positions[] = {0, 1, 2, 3, 11, 13, 14, 15, 16};
    constexpr unsigned count = sizeof(positions) / sizeof(positions[0]);
    const std::uint64_t layouts[] = {
        dr7::init_value,
        0xFFU | dr7::init_value,                    // all enabled, all execute
        0xFFU | 0xFFFF'0000U | dr7::init_value,     // all enabled, all read/write, 4 bytes
        0x55U | 0x3210'0000U | dr7::init_value,     // L0-L3; R/W0-3 = execute, write, io, read/write
        0x0AU | 0x0001'0000U | dr7::init_value,     // G0, G1; R/W0 = write, R/W1 = execute
    };
    for (const std::uint64_t d : layouts) {
        for (unsigned subset = 0; subset < (1U << count); ++subset) {
            std::uint64_t c = 0;
            for (unsigned i = 0; i < count; ++i) {
                if ((subset >> i) & 1U) {
                    c |= std::uint64_t{1} << positions[i];
                }
            }
            const std::uint64_t ib = x86::instruction_breakpoint_hits(c, d);
            const std::uint64_t db = x86::data_breakpoint_hits(c, d);
            if ((ib & db) != 0 || (ib | db) != (c & dr6::breakpoint_hits.mask & dr7::enabled_mask(d))) {
                return false;
            }
            const bool fault = ib != 0 || dr6::bd.is_set(c);
            const bool trap = db != 0 || dr6::bs.is_set(c) || dr6::bt.is_set(c) || dr6::bld.is_set(c);
            db_class expected = fault && trap ? db_class::mixed
                                : fault       ? db_class::fault
                                : trap        ? db_class::trap
                                              : db_class::none;
            if (dr6::rtm.is_set(c)) {
                expected = db_class::fault;
            }
            if (x86::classify_db(c, d) != expected) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

HVSTEP_DUAL_TEST(DebugCondition, InstructionBreakpointIsAFault, check_instruction_breakpoint_is_a_fault)
HVSTEP_DUAL_TEST(DebugCondition, GeneralDetectIsAFault, check_general_detect_is_a_fault)
HVSTEP_DUAL_TEST(DebugCondition, DataAndIoBreakpointsAreTraps, check_data_and_io_breakpoints_are_traps)
HVSTEP_DUAL_TEST(DebugCondition, SingleStepIsATrap, check_single_step_is_a_trap)
HVSTEP_DUAL_TEST(DebugCondition, TaskSwitchIsATrap, check_task_switch_is_a_trap)
HVSTEP_DUAL_TEST(DebugCondition, BusLockIsATrap, check_bus_lock_is_a_trap)
HVSTEP_DUAL_TEST(DebugCondition, SingleStepWithDataBreakpointIsATrap, check_single_step_with_data_breakpoint_is_a_trap)
HVSTEP_DUAL_TEST(DebugCondition, HitsOfDisabledBreakpointsAreIgnored, check_hits_of_disabled_breakpoints_are_ignored)
HVSTEP_DUAL_TEST(DebugCondition, IcebpWithoutConditionsIsNone, check_icebp_without_conditions_is_none)
HVSTEP_DUAL_TEST(DebugCondition, FaultAndTrapTogetherAreMixed, check_fault_and_trap_together_are_mixed)
HVSTEP_DUAL_TEST(DebugCondition, RtmRollbackIsAFault, check_rtm_rollback_is_a_fault)
HVSTEP_DUAL_TEST(DebugCondition, ClassificationIsConsistentForEveryInput,
                 check_classification_is_consistent_for_every_input)
