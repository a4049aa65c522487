// Exception vectors, classes and error codes (SDM Vol. 3A Table 6-1; APM Vol. 2
// Tables 8-1 and 8-2), and the vendor-neutral event kinds.

#include "hvstep/x86/exception.hpp"

#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace x86 = hvstep::x86;
using x86::event_kind;
using x86::exception_class;
using x86::vector;

constexpr unsigned num(vector v) { return static_cast<unsigned>(v); }
constexpr vector vec(unsigned n) { return static_cast<vector>(static_cast<std::uint8_t>(n)); }

constexpr bool check_vector_numbers_match_sdm_table_6_1() {
    return num(vector::de) == 0 && num(vector::db) == 1 && num(vector::nmi) == 2 && num(vector::bp) == 3 &&
           num(vector::of) == 4 && num(vector::br) == 5 && num(vector::ud) == 6 && num(vector::nm) == 7 &&
           num(vector::df) == 8 && num(vector::ts) == 10 && num(vector::np) == 11 && num(vector::ss) == 12 &&
           num(vector::gp) == 13 && num(vector::pf) == 14 && num(vector::mf) == 16 && num(vector::ac) == 17 &&
           num(vector::mc) == 18 && num(vector::xm) == 19 && num(vector::ve) == 20 && num(vector::cp) == 21 &&
           num(vector::vc) == 29 && num(vector::sx) == 30;
}

constexpr bool check_breakpoint_and_overflow_are_traps() {
    return x86::classify(vector::bp) == exception_class::trap && x86::classify(vector::of) == exception_class::trap;
}

constexpr bool check_double_fault_and_machine_check_are_aborts() {
    return x86::classify(vector::df) == exception_class::abort && x86::classify(vector::mc) == exception_class::abort;
}

constexpr bool check_debug_is_fault_or_trap() { return x86::classify(vector::db) == exception_class::fault_or_trap; }

constexpr bool check_nmi_and_vectors_32_to_255_are_interrupts() {
    if (x86::classify(vector::nmi) != exception_class::interrupt) {
        return false;
    }
    for (unsigned n = 32; n < 256; ++n) {
        if (x86::classify(vec(n)) != exception_class::interrupt) {
            return false;
        }
    }
    return true;
}

// Every other architectural exception below 32 is a fault; 15, 22-28 and 31 are
// reserved; 9 is listed as a fault by SDM Table 6-1.
constexpr bool check_remaining_exceptions_are_faults_and_gaps_reserved() {
    for (unsigned n = 0; n < 32; ++n) {
        const exception_class c = x86::classify(vec(n));
        const bool reserved = n == 15 || (n >= 22 && n <= 28) || n == 31;
        const bool special = n == 1 || n == 2 || n == 3 || n == 4 || n == 8 || n == 18;
        if (reserved && c != exception_class::reserved) {
            return false;
        }
        if (!reserved && !special && c != exception_class::fault) {
            return false;
        }
    }
    return true;
}

// #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP push an error code (SDM Table 6-1),
// and #VC, #SX on AMD; nothing else, including vectors 32-255.
constexpr bool check_error_code_vectors_are_8_10_to_14_17_21_29_30() {
    for (unsigned n = 0; n < 256; ++n) {
        const bool expected = n == 8 || (n >= 10 && n <= 14) || n == 17 || n == 21 || n == 29 || n == 30;
        if (x86::has_error_code(vec(n)) != expected) {
            return false;
        }
    }
    return true;
}

constexpr bool check_software_events_are_the_instruction_raised_kinds() {
    return x86::is_software_event(event_kind::software_interrupt) &&
           x86::is_software_event(event_kind::privileged_software_exception) &&
           x86::is_software_event(event_kind::software_exception) &&
           !x86::is_software_event(event_kind::external_interrupt) && !x86::is_software_event(event_kind::nmi) &&
           !x86::is_software_event(event_kind::hardware_exception);
}

// INT 13 (CD 0D) pushes no error code; a real-mode #GP pushes none either.
constexpr bool check_only_protected_mode_hardware_exceptions_push_error_codes() {
    const event_kind kinds[] = {event_kind::external_interrupt, event_kind::nmi, event_kind::software_interrupt,
                                event_kind::privileged_software_exception, event_kind::software_exception};
    for (const event_kind k : kinds) {
        if (x86::pushes_error_code(k, vector::gp, true)) {
            return false;
        }
    }
    return x86::pushes_error_code(event_kind::hardware_exception, vector::gp, true) &&
           !x86::pushes_error_code(event_kind::hardware_exception, vector::gp, false) &&
           !x86::pushes_error_code(event_kind::hardware_exception, vector::db, true);
}

}  // namespace

HVSTEP_DUAL_TEST(Exception, VectorNumbersMatchSdmTable6_1, check_vector_numbers_match_sdm_table_6_1)
HVSTEP_DUAL_TEST(Exception, BreakpointAndOverflowAreTraps, check_breakpoint_and_overflow_are_traps)
HVSTEP_DUAL_TEST(Exception, DoubleFaultAndMachineCheckAreAborts, check_double_fault_and_machine_check_are_aborts)
HVSTEP_DUAL_TEST(Exception, DebugIsFaultOrTrap, check_debug_is_fault_or_trap)
HVSTEP_DUAL_TEST(Exception, NmiAndVectors32To255AreInterrupts, check_nmi_and_vectors_32_to_255_are_interrupts)
HVSTEP_DUAL_TEST(Exception, RemainingExceptionsAreFaultsAndGapsReserved,
                 check_remaining_exceptions_are_faults_and_gaps_reserved)
HVSTEP_DUAL_TEST(Exception, ErrorCodeVectorsAre8_10To14_17_21_29_30,
                 check_error_code_vectors_are_8_10_to_14_17_21_29_30)
HVSTEP_DUAL_TEST(Exception, SoftwareEventsAreTheInstructionRaisedKinds,
                 check_software_events_are_the_instruction_raised_kinds)
HVSTEP_DUAL_TEST(Exception, OnlyProtectedModeHardwareExceptionsPushErrorCodes,
                 check_only_protected_mode_hardware_exceptions_push_error_codes)
