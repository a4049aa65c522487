#pragma once
// Field accesses of one benchmark case, counted with the test suite's mocks (tests/support:
// mock_vmcs's and mock_vmcb's read/write counters), with the name of every field touched.
// Used by tests/unit/perf_access_counts_test.cpp (which asserts them against the floor) and by
// the hvstep_access_counts program (which prints them for the benchmark table). Hosted code.
//
// VMX: the scenario runs on mock_vmcs behind a logging wrapper. SVM: the scenario runs on a real
// svm::vmcb_layout through svm::vmcb_page; the measured hook then runs on a mock_vmcb loaded
// with the same fields and an implementation built from the same step state.

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../baselines/floor.hpp"
#include "../include/hvstep_bench/scenarios.hpp"
#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/step_state.hpp"
#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/svm/vmcb_page.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "mock_vmcb.hpp"
#include "mock_vmcs.hpp"

namespace hvstep_bench {
namespace counting {

using hvstep::vmx::vmcs_field;
using hvstep_test::mock_vmcb;
using hvstep_test::mock_vmcs;
using hvstep_test::vmcb_slot;

struct accesses {
    std::vector<std::string> reads;  // field names, sorted
    std::vector<std::string> writes;
    unsigned read_count = 0;  // the mock's counters
    unsigned write_count = 0;

    void sort() {
        std::sort(reads.begin(), reads.end());
        std::sort(writes.begin(), writes.end());
    }
};

inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// ---- VMX ---------------------------------------------------------------------------------------
inline const char* field_name(vmcs_field f) {
    switch (f) {
        case vmcs_field::guest_rip:
            return "rip";
        case vmcs_field::guest_rflags:
            return "rflags";
        case vmcs_field::guest_cs_selector:
            return "cs_selector";
        case vmcs_field::guest_dr7:
            return "dr7";
        case vmcs_field::guest_debugctl:
            return "debugctl";
        case vmcs_field::guest_interruptibility_state:
            return "interruptibility";
        case vmcs_field::guest_activity_state:
            return "activity";
        case vmcs_field::guest_pending_debug_exceptions:
            return "pending_dbg";
        case vmcs_field::primary_processor_controls:
            return "primary_controls";
        case vmcs_field::exception_bitmap:
            return "exception_bitmap";
        case vmcs_field::vm_entry_interruption_info:
            return "entry_intr_info";
        case vmcs_field::vm_entry_exception_error_code:
            return "entry_error_code";
        case vmcs_field::vm_entry_instruction_length:
            return "entry_instr_len";
        case vmcs_field::exit_reason:
            return "exit_reason";
        case vmcs_field::exit_qualification:
            return "exit_qual";
        case vmcs_field::vm_exit_interruption_info:
            return "exit_intr_info";
        case vmcs_field::vm_exit_interruption_error_code:
            return "exit_error_code";
        case vmcs_field::vm_exit_instruction_length:
            return "exit_instr_len";
        case vmcs_field::idt_vectoring_info:
            return "idt_vectoring";
        default:
            return "other";
    }
}

// mock_vmcs, with a log of which field each counted access touched.
struct logged_vmcs {
    mock_vmcs m{};
    std::vector<std::string> reads;
    std::vector<std::string> writes;

    std::uint64_t read(vmcs_field f) noexcept {
        reads.emplace_back(field_name(f));
        return m.read(f);
    }
    void write(vmcs_field f, std::uint64_t v) noexcept {
        writes.emplace_back(field_name(f));
        m.write(f, v);
    }
    std::uint64_t read_dr6() noexcept {
        reads.emplace_back("dr6");
        return m.read_dr6();
    }
    void write_dr6(std::uint64_t v) noexcept {
        writes.emplace_back("dr6");
        m.write_dr6(v);
    }
    void write_cr2(std::uint64_t v) noexcept {
        writes.emplace_back("cr2");
        m.write_cr2(v);
    }

    void forget() {
        m.reset_counts();
        reads.clear();
        writes.clear();
    }
    accesses taken() const {
        accesses a{reads, writes, m.reads, m.writes};
        a.sort();
        return a;
    }
};

// Every field a scenario sets, for comparing two VMCS images.
inline constexpr vmcs_field compared_fields[] = {
    vmcs_field::guest_rip,
    vmcs_field::guest_rflags,
    vmcs_field::guest_dr7,
    vmcs_field::guest_debugctl,
    vmcs_field::guest_interruptibility_state,
    vmcs_field::guest_activity_state,
    vmcs_field::guest_pending_debug_exceptions,
    vmcs_field::primary_processor_controls,
    vmcs_field::exception_bitmap,
    vmcs_field::vm_entry_interruption_info,
    vmcs_field::vm_entry_exception_error_code,
    vmcs_field::vm_entry_instruction_length,
};

// ---- SVM ---------------------------------------------------------------------------------------
inline const char* slot_name(unsigned i) {
    switch (static_cast<vmcb_slot>(i)) {
        case vmcb_slot::rflags:
            return "rflags";
        case vmcb_slot::rip:
            return "rip";
        case vmcb_slot::next_rip:
            return "next_rip";
        case vmcb_slot::dr6:
            return "dr6";
        case vmcb_slot::dr7:
            return "dr7";
        case vmcb_slot::debugctl:
            return "debugctl";
        case vmcb_slot::lbr_virtualization:
            return "lbr_virtualization";
        case vmcb_slot::cr2:
            return "cr2";
        case vmcb_slot::exit_code:
            return "exit_code";
        case vmcb_slot::exit_info1:
            return "exit_info1";
        case vmcb_slot::exit_info2:
            return "exit_info2";
        case vmcb_slot::exit_int_info:
            return "exit_int_info";
        case vmcb_slot::event_injection:
            return "event_injection";
        case vmcb_slot::exception_intercepts:
            return "exception_intercepts";
        case vmcb_slot::misc2_intercepts:
            return "misc2_intercepts";
        case vmcb_slot::dr_intercepts:
            return "dr_intercepts";
        case vmcb_slot::interrupt_shadow:
            return "interrupt_shadow";
        default:
            break;
    }
    return "?";
}

inline mock_vmcb to_mock(const hvstep::svm::vmcb_layout& l) {
    mock_vmcb m{};
    m.poke(vmcb_slot::rflags, l.save.rflags);
    m.poke(vmcb_slot::rip, l.save.rip);
    m.poke(vmcb_slot::next_rip, l.control.next_rip);
    m.poke(vmcb_slot::dr6, l.save.dr6);
    m.poke(vmcb_slot::dr7, l.save.dr7);
    m.poke(vmcb_slot::debugctl, l.save.dbgctl);
    m.poke(vmcb_slot::lbr_virtualization, l.control.lbr_virtualization_enable & 1U);
    m.poke(vmcb_slot::cr2, l.save.cr2);
    m.poke(vmcb_slot::exit_code, l.control.exit_code);
    m.poke(vmcb_slot::exit_info1, l.control.exit_info1);
    m.poke(vmcb_slot::exit_info2, l.control.exit_info2);
    m.poke(vmcb_slot::exit_int_info, l.control.exit_int_info);
    m.poke(vmcb_slot::event_injection, l.control.event_injection);
    m.poke(vmcb_slot::exception_intercepts, l.control.intercept_exceptions);
    m.poke(vmcb_slot::misc2_intercepts, l.control.intercept_misc2);
    m.poke(vmcb_slot::dr_intercepts, l.control.intercept_dr);
    m.reset_counts();
    return m;
}

inline accesses taken(const mock_vmcb& m) {
    accesses a{};
    for (unsigned i = 0; i < mock_vmcb::slot_count; ++i) {
        for (unsigned n = 0; n < m.reads_of[i]; ++n) a.reads.emplace_back(slot_name(i));
        for (unsigned n = 0; n < m.writes_of[i]; ++n) a.writes.emplace_back(slot_name(i));
    }
    a.read_count = m.reads;
    a.write_count = m.writes;
    a.sort();
    return a;
}

// ---- one measurement ---------------------------------------------------------------------------
struct outcome {
    accesses used;
    hvstep::core::step_report report{};
    bool hypervisor_handles = false;
    hvstep::core::step_state state{};
    std::vector<std::uint64_t> fields;  // the machine after the hook
};

struct keep_result {
    outcome* out;
    void operator()(const hvstep::core::exit_result& r) const {
        out->report = r.report;
        out->hypervisor_handles = r.hypervisor_handles;
    }
    void operator()(const hvstep::core::emulation_result& r) const { out->report = r.report; }
    template <class Other>
    void operator()(const Other&) const {}  // a baseline's outcome: only its accesses are counted
};

template <class T, class = void>
struct has_state : std::false_type {};
template <class T>
struct has_state<T, std::void_t<decltype(std::declval<const T&>().state())>> : std::true_type {};

template <policy P, exit_kind K, class Impl>
outcome measure_vmx_impl(Impl impl) {
    logged_vmcs v{};
    const std::uint32_t reason = prepare<P, K>(impl, v);
    v.forget();
    outcome out{};
    run<K>(impl, v, reason, keep_result{&out});
    out.used = v.taken();
    if constexpr (has_state<Impl>::value) out.state = impl.state();
    for (const vmcs_field f : compared_fields) out.fields.push_back(v.m.peek(f));
    out.fields.push_back(v.m.guest_dr6);
    out.fields.push_back(v.m.overflow);
    return out;
}

template <policy P, exit_kind K, template <class> class Impl>
outcome measure_vmx() {
    return measure_vmx_impl<P, K>(Impl<logged_vmcs>{});
}

template <policy P, exit_kind K, template <class> class Impl>
outcome measure_svm() {
    on_vmcb_page<Impl<hvstep::svm::vmcb_page>> prepared{};
    hvstep::svm::vmcb_layout layout{};
    const std::uint32_t reason = prepare<P, K>(prepared, layout);
    mock_vmcb m = to_mock(layout);
    Impl<mock_vmcb> impl{prepared.impl.state()};
    outcome out{};
    run<K>(impl, m, reason, keep_result{&out});
    out.used = taken(m);
    out.state = impl.state();
    for (unsigned i = 0; i < mock_vmcb::slot_count; ++i) out.fields.push_back(m.values[i]);
    return out;
}

// hvstep's SVM policy and the SVM floor, buildable from a step state.
template <class Vmcb>
struct hvstep_svm : hvstep_svm_tf<Vmcb> {
    hvstep_svm() = default;
    explicit hvstep_svm(hvstep::core::step_state s) { this->stepper = hvstep::svm::tf_stepper<Vmcb>{s}; }
};
template <class Vmcb>
struct floor_svm : floor::svm_tf<Vmcb> {
    floor_svm() = default;
    explicit floor_svm(hvstep::core::step_state s) : floor::svm_tf<Vmcb>(s) {}
};

template <policy P, exit_kind K>
outcome hvstep_outcome() {
    if constexpr (P == policy::vmx_mtf) {
        return measure_vmx<P, K, hvstep_vmx_mtf>();
    } else if constexpr (P == policy::vmx_tf) {
        return measure_vmx<P, K, hvstep_vmx_tf>();
    } else {
        return measure_svm<P, K, hvstep_svm>();
    }
}

template <policy P, exit_kind K>
outcome floor_outcome() {
    if constexpr (P == policy::vmx_mtf) {
        return measure_vmx<P, K, floor::vmx_mtf>();
    } else if constexpr (P == policy::vmx_tf) {
        return measure_vmx<P, K, floor::vmx_tf>();
    } else {
        return measure_svm<P, K, floor_svm>();
    }
}

// The step state hvstep's later hooks depend on (`delivering` is read by MTF only).
inline std::vector<unsigned> relevant(policy p, const hvstep::core::step_state& s) {
    const auto flags = static_cast<unsigned>(
        p == policy::vmx_mtf ? s.flags : (s.flags & ~hvstep::core::state_flag::delivering));
    return {s.armed,
            s.one_step,
            s.branch_only,
            flags,
            s.more_flags,
            s.stepping,
            hvstep::core::has(s, hvstep::core::state_flag::dr6_parked) ? s.parked_guest_dr6 : 0U,
            s.hypervisor_exception_intercepts};
}

}  // namespace counting
}  // namespace hvstep_bench
