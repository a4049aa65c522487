// VMCS and VMCB field accesses of hvstep's hooks, per exit kind of the benchmark table
// (docs/performance.md), against the floor: the accesses any correct implementation of hvstep's
// contract must make (bench/baselines/floor.hpp says why each one is needed).
//
// For every policy and exit kind:
// - FloorAsDocumented: the floor makes exactly the accesses the table below lists for it;
// - FloorAgreesWithHvstep: on the scenario, the floor leaves the same fields, reports the same
//   step and keeps the same step state as hvstep (so it measures the same work);
// - AtFloor: hvstep makes exactly the floor's accesses; or, where it does not yet,
//   NoRegression pins hvstep's current accesses (more is a regression; fewer means the gap
//   closed: update the table and enable the DISABLED_ AtFloor test next to it).
// Counts come from mock_vmcs's and mock_vmcb's read/write counters; the field names from a log.

#include <gtest/gtest.h>

#include <string>
#include <vector>

// The benchmark's scenarios, floor and counting are shared with bench/ (the same cases are timed
// there); mock_vmcs.hpp and mock_vmcb.hpp come from tests/support.
#include "../../bench/src/counting.hpp"

namespace {

using hvstep_bench::exit_kind;
using hvstep_bench::policy;
using namespace hvstep_bench::counting;

// ---- the table: the floor's accesses, and hvstep's where it is not at the floor yet ------------

struct expected {
    std::vector<std::string> reads;
    std::vector<std::string> writes;
};

void expect_accesses(const accesses& got, const expected& want, const char* who) {
    EXPECT_EQ(got.reads, sorted(want.reads)) << who << ": reads";
    EXPECT_EQ(got.writes, sorted(want.writes)) << who << ": writes";
    EXPECT_EQ(got.read_count, want.reads.size()) << who << ": the mock's read counter";
    EXPECT_EQ(got.write_count, want.writes.size()) << who << ": the mock's write counter";
}

template <policy P, exit_kind K>
void check_floor_agrees() {
    const outcome h = hvstep_outcome<P, K>();
    const outcome f = floor_outcome<P, K>();
    EXPECT_EQ(f.fields, h.fields) << "the floor must leave the fields as hvstep does";
    EXPECT_EQ(f.report.clients.bits, h.report.clients.bits);
    EXPECT_EQ(static_cast<unsigned>(f.report.cause), static_cast<unsigned>(h.report.cause));
    if (h.report.any()) {
        EXPECT_EQ(f.report.rip, h.report.rip);
    }
    EXPECT_EQ(f.hypervisor_handles, h.hypervisor_handles);
    EXPECT_EQ(relevant(P, f.state), relevant(P, h.state));
}

}  // namespace

// PERF_CASE(policy, kind, floor reads, floor writes): the floor's table row and the checks that
// hvstep is at it. PERF_GAP(...): the same, plus hvstep's current accesses where it is above the
// floor (the DISABLED_ test shows the target).
#define PERF_COMMON(P, K, FR, FW)                                                                  \
    TEST(PerfAccessCounts, P##_##K##_FloorAsDocumented) {                                          \
        expect_accesses(floor_outcome<policy::P, exit_kind::K>().used, expected{FR, FW}, "floor"); \
    }                                                                                              \
    TEST(PerfAccessCounts, P##_##K##_FloorAgreesWithHvstep) { check_floor_agrees<policy::P, exit_kind::K>(); }

#define PERF_CASE(P, K, FR, FW)                                                                      \
    PERF_COMMON(P, K, FR, FW)                                                                        \
    TEST(PerfAccessCounts, P##_##K##_AtFloor) {                                                      \
        expect_accesses(hvstep_outcome<policy::P, exit_kind::K>().used, expected{FR, FW}, "hvstep"); \
    }

#define PERF_GAP(P, K, FR, FW, HR, HW)                                                               \
    PERF_COMMON(P, K, FR, FW)                                                                        \
    TEST(PerfAccessCounts, P##_##K##_NoRegression) {                                                 \
        expect_accesses(hvstep_outcome<policy::P, exit_kind::K>().used, expected{HR, HW}, "hvstep"); \
    }                                                                                                \
    TEST(PerfAccessCounts, DISABLED_##P##_##K##_AtFloor) {                                           \
        expect_accesses(hvstep_outcome<policy::P, exit_kind::K>().used, expected{FR, FW}, "hvstep"); \
    }

#define L(...) (std::vector<std::string>{__VA_ARGS__})

// ---- vmx::mtf_stepper ---------------------------------------------------------------------------
PERF_CASE(vmx_mtf, step_trap, L("rip"), L())
PERF_CASE(vmx_mtf, guest_db, L("rip"), L())
PERF_CASE(vmx_mtf, unrelated, L(), L())
PERF_CASE(vmx_mtf, after_emulation, L("rflags", "rip"), L())
PERF_CASE(vmx_mtf, arm, L("entry_intr_info", "pending_dbg", "primary_controls"), L("primary_controls"))
PERF_CASE(vmx_mtf, disarm, L("primary_controls"), L("primary_controls"))
PERF_CASE(vmx_mtf, before_entry, L("entry_intr_info", "pending_dbg"), L())

// ---- vmx::tf_stepper ----------------------------------------------------------------------------
PERF_GAP(vmx_tf, step_trap, L("exit_intr_info", "exit_qual", "rip"), L(),
         L("exit_intr_info", "exit_qual", "rflags", "rip"), L())
PERF_GAP(vmx_tf, guest_db, L("exit_intr_info", "exit_qual", "dr6", "dr7", "debugctl"),
         L("dr6", "entry_intr_info"),
         L("exit_intr_info", "exit_qual", "dr7", "rflags", "rip", "dr6", "dr7", "debugctl"),
         L("dr6", "entry_intr_info"))
PERF_CASE(vmx_tf, unrelated, L(), L())
PERF_GAP(vmx_tf, after_emulation, L("rip", "pending_dbg"), L(), L("rflags", "rip", "pending_dbg"), L())
PERF_GAP(vmx_tf, arm,
         L("rflags", "debugctl", "interruptibility", "activity", "entry_intr_info", "exception_bitmap"),
         L("rflags", "exception_bitmap"),
         L("rflags", "debugctl", "interruptibility", "activity", "pending_dbg", "entry_intr_info",
           "exception_bitmap"),
         L("rflags", "exception_bitmap"))
PERF_CASE(vmx_tf, disarm, L("rflags", "debugctl", "interruptibility", "activity", "pending_dbg"),
          L("rflags", "exception_bitmap"))
PERF_CASE(vmx_tf, before_entry,
          L("rflags", "debugctl", "interruptibility", "activity", "pending_dbg", "entry_intr_info"), L())

// ---- svm::tf_stepper ----------------------------------------------------------------------------
PERF_GAP(svm_tf, step_trap, L("exit_code", "dr6", "rip"), L("dr6"),
         L("exit_code", "dr6", "rflags", "rip"), L("dr6"))
PERF_GAP(svm_tf, guest_db, L("exit_code", "dr6", "dr7", "lbr_virtualization"), L("dr6", "event_injection"),
         L("exit_code", "dr6", "rflags", "rip", "dr7", "lbr_virtualization"),
         L("event_injection"))  // below the floor's writes: VMCB.DR6 already holds the merged value
PERF_GAP(svm_tf, unrelated, L("exit_code", "dr6"), L(), L("exit_code", "dr6", "rflags", "rip"), L())
PERF_GAP(svm_tf, after_emulation, L("rip"), L(), L("rflags", "rip"), L())
PERF_CASE(svm_tf, arm,
          L("rflags", "lbr_virtualization", "event_injection", "misc2_intercepts", "dr_intercepts",
            "exception_intercepts", "dr6", "dr7"),
          L("rflags", "exception_intercepts", "misc2_intercepts", "dr_intercepts"))
PERF_CASE(svm_tf, disarm, L("rflags", "lbr_virtualization", "misc2_intercepts", "dr_intercepts"),
          L("rflags", "exception_intercepts", "misc2_intercepts", "dr_intercepts"))
PERF_CASE(svm_tf, before_entry, L("rflags", "lbr_virtualization", "event_injection", "dr6", "dr7"), L())
