// EVENTINJ / EXITINTINFO encoding against AMD APM Vol. 2 §15.20 (Figure 15-5, Table 15-11) and
// §15.7.2 (Figure 15-1, Table 15-1).

#include "hvstep/svm/event_injection.hpp"

#include <cstdint>

#include "dual_test.hpp"

namespace {

namespace svm = hvstep::svm;
using svm::event_type;

constexpr bool check_fields_follow_figure_15_5() {
    return svm::eventinj::vector.mask == 0x0000'0000'0000'00FF && svm::eventinj::type.mask == 0x0000'0000'0000'0700 &&
           svm::eventinj::error_code_valid.mask == 0x0000'0000'0000'0800 &&
           svm::eventinj::reserved.mask == 0x0000'0000'7FFF'F000 &&
           svm::eventinj::valid.mask == 0x0000'0000'8000'0000 && svm::eventinj::error_code.mask == 0xFFFF'FFFF'0000'0000;
}
HVSTEP_DUAL_TEST(SvmEventInjection, FieldsFollowFigure15_5, check_fields_follow_figure_15_5)

// EXITINTINFO is an alias of the EVENTINJ fields; check it against Figure 15-1 directly.
constexpr bool check_exitintinfo_fields_follow_figure_15_1() {
    return svm::exitintinfo::vector.mask == 0xFF && svm::exitintinfo::type.mask == 0x700 &&
           svm::exitintinfo::error_code_valid.mask == 0x800 && svm::exitintinfo::valid.mask == 0x8000'0000 &&
           svm::exitintinfo::error_code.mask == 0xFFFF'FFFF'0000'0000;
}
HVSTEP_DUAL_TEST(SvmEventInjection, ExitIntInfoFieldsFollowFigure15_1, check_exitintinfo_fields_follow_figure_15_1)

constexpr bool check_event_types_follow_table_15_11() {
    return static_cast<std::uint8_t>(event_type::external_interrupt) == 0 &&
           static_cast<std::uint8_t>(event_type::nmi) == 2 && static_cast<std::uint8_t>(event_type::exception) == 3 &&
           static_cast<std::uint8_t>(event_type::software_interrupt) == 4 && !svm::is_defined_event_type(1) &&
           !svm::is_defined_event_type(5) && !svm::is_defined_event_type(6) && !svm::is_defined_event_type(7);
}
HVSTEP_DUAL_TEST(SvmEventInjection, EventTypesFollowTable15_11, check_event_types_follow_table_15_11)

// The encodings a stepper injects, written out bit by bit.
constexpr bool check_debug_exception_encodes_as_80000301h() {
    return svm::make_event_injection(1, event_type::exception) == 0x0000'0000'8000'0301;
}
HVSTEP_DUAL_TEST(SvmEventInjection, DebugExceptionEncodesAs80000301h, check_debug_exception_encodes_as_80000301h)

constexpr bool check_error_code_goes_to_the_high_half_with_ev() {
    return svm::make_event_injection(14, event_type::exception, true, 0x2) == 0x0000'0002'8000'0B0E &&
           svm::make_event_injection(13, event_type::exception, true, 0) == 0x0000'0000'8000'0B0D &&
           svm::make_event_injection(8, event_type::exception, true, 0xFFFF'FFFF) == 0xFFFF'FFFF'8000'0B08;
}
HVSTEP_DUAL_TEST(SvmEventInjection, ErrorCodeGoesToTheHighHalfWithEv, check_error_code_goes_to_the_high_half_with_ev)

constexpr bool check_error_code_is_dropped_without_ev() {
    return svm::make_event_injection(3, event_type::exception, false, 0x1234) == 0x0000'0000'8000'0303;
}
HVSTEP_DUAL_TEST(SvmEventInjection, ErrorCodeIsDroppedWithoutEv, check_error_code_is_dropped_without_ev)

constexpr bool check_other_types_encode() {
    return svm::make_event_injection(2, event_type::nmi) == 0x8000'0202 &&
           svm::make_event_injection(0x80, event_type::software_interrupt) == 0x8000'0480 &&
           svm::make_event_injection(0x20, event_type::external_interrupt) == 0x8000'0020;
}
HVSTEP_DUAL_TEST(SvmEventInjection, NmiSoftwareAndExternalInterruptsEncode, check_other_types_encode)

constexpr bool check_decoders_round_trip_every_vector_and_type() {
    constexpr event_type types[] = {event_type::external_interrupt, event_type::nmi, event_type::exception,
                                    event_type::software_interrupt};
    for (event_type type : types) {
        for (unsigned v = 0; v < 256; ++v) {
            const auto vector = static_cast<std::uint8_t>(v);
            const std::uint32_t error = v * 0x0101'0101U;
            const std::uint64_t with = svm::make_event_injection(vector, type, true, error);
            const std::uint64_t without = svm::make_event_injection(vector, type);
            const svm::decoded_event d = svm::decode_event(with);
            if (!d.valid || d.vector != vector || d.type != type || !d.has_error_code || d.error_code != error) {
                return false;
            }
            if (!svm::event_valid(without) || svm::event_vector(without) != vector ||
                svm::event_type_of(without) != type || svm::event_has_error_code(without) ||
                svm::event_error_code(without) != 0) {
                return false;
            }
        }
    }
    return true;
}
HVSTEP_DUAL_TEST(SvmEventInjection, DecodersRoundTripEveryVectorAndType, check_decoders_round_trip_every_vector_and_type)

constexpr bool check_error_code_reads_zero_when_ev_is_clear() {
    // EXITINTINFO's ERRORCODE is undefined without EV (§15.7.2): the decoder does not pass it on.
    return svm::event_error_code(0xDEAD'BEEF'8000'0301) == 0 &&
           svm::event_error_code(0xDEAD'BEEF'8000'0B0D) == 0xDEAD'BEEF;
}
HVSTEP_DUAL_TEST(SvmEventInjection, ErrorCodeReadsZeroWhenEvIsClear, check_error_code_reads_zero_when_ev_is_clear)

constexpr bool check_no_event_is_not_valid() {
    return !svm::event_valid(svm::no_event) && !svm::decode_event(svm::no_event).valid &&
           !svm::event_valid(0x0000'0000'0000'0301);
}
HVSTEP_DUAL_TEST(SvmEventInjection, NoEventIsNotValid, check_no_event_is_not_valid)

// §15.20: VMRUN fails with VMEXIT_INVALID on a reserved TYPE or a TYPE 3 vector that is no exception.
constexpr bool check_well_formed_rejects_what_vmrun_rejects() {
    return svm::is_well_formed_injection(svm::make_event_injection(1, event_type::exception)) &&
           svm::is_well_formed_injection(svm::make_event_injection(2, event_type::nmi)) &&
           svm::is_well_formed_injection(svm::make_event_injection(0xFF, event_type::external_interrupt)) &&
           !svm::is_well_formed_injection(svm::make_event_injection(2, event_type::exception)) &&
           !svm::is_well_formed_injection(svm::make_event_injection(32, event_type::exception)) &&
           !svm::is_well_formed_injection(0x8000'0101) &&                     // TYPE 1 reserved
           !svm::is_well_formed_injection(0x8000'0501) &&                     // TYPE 5 reserved
           !svm::is_well_formed_injection(0x8000'1301) &&                     // reserved bit 12
           !svm::is_well_formed_injection(0x4000'0301) &&                     // reserved bit 30
           !svm::is_well_formed_injection(0x0000'0301);                       // V clear
}
HVSTEP_DUAL_TEST(SvmEventInjection, WellFormedRejectsWhatVmrunRejects, check_well_formed_rejects_what_vmrun_rejects)

}  // namespace
