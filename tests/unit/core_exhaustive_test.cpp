// The compile-time exhaustive check: every (state, observation) pair of the
// TF and MTF machines, over the values that matter to them, against the
// invariants of the step-logic issue. Each slice is its own constant
// evaluation (so no compiler's step limit is approached) and is re-run at
// run time under GoogleTest.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "hvstep/core/db_disposition.hpp"
#include "hvstep/core/mtf_engine.hpp"
#include "hvstep/core/tf_engine.hpp"

namespace {
using namespace hvstep::core;
namespace rflags = hvstep::x86::rflags;
namespace dr6 = hvstep::x86::dr6;
namespace dr7 = hvstep::x86::dr7;

constexpr std::uint32_t bs = static_cast<std::uint32_t>(dr6::bs.mask);
constexpr std::uint32_t b0 = static_cast<std::uint32_t>(dr6::b0.mask);
constexpr std::uint32_t b1 = static_cast<std::uint32_t>(dr6::b1.mask);
constexpr std::uint32_t bd = static_cast<std::uint32_t>(dr6::bd.mask);
constexpr std::uint32_t bt = static_cast<std::uint32_t>(dr6::bt.mask);
constexpr std::uint32_t rtm = static_cast<std::uint32_t>(dr6::rtm.mask);
constexpr std::uint32_t bld = static_cast<std::uint32_t>(dr6::bld.mask);

constexpr std::uint32_t conditions_catalogue[] = {0,       bs,       b0,       b1,  b0 | bs, b1 | bs,
                                                  bd,      bt | bs,  rtm | b0, bld, 0xFFFF'FFFFU};
constexpr unsigned condition_count = sizeof(conditions_catalogue) / sizeof(conditions_catalogue[0]);
constexpr std::uint64_t dr7_catalogue[] = {dr7::init_value,
                                           dr7::init_value | dr7::l0.mask | dr7::l1.mask | dr7::rw1.set(0, 1)};
constexpr std::uint8_t flag_bits[] = {state_flag::guest_tf, state_flag::guest_btf, state_flag::tf_forced,
                                      state_flag::btf_forced, state_flag::trap_controls};
constexpr next_instruction stepped_catalogue[] = {next_instruction::unknown, next_instruction::ordinary,
                                                  next_instruction::pushes_flags, next_instruction::loads_flags,
                                                  next_instruction::syscall, next_instruction::sysret};

// Every state the machines can be in, up to what each machine reads. Exits
// read the clients, the guest's TF, whether TF/BTF are forced, what was
// stepped and the claimed breakpoints; entries read the clients and all five
// flags. Other state bits are carried, never read, by these functions.
template <class Visit>
constexpr bool for_each_exit_state(Visit visit) {
    constexpr std::uint8_t armed_sets[] = {0, 0x01, 0x05};
    for (std::uint8_t armed : armed_sets) {
        for (unsigned combo = 0; combo < 8; ++combo) {
            for (next_instruction stepped : stepped_catalogue) {
                for (std::uint8_t claimed = 0; claimed < 2; ++claimed) {
                    step_state s{};
                    s.armed = armed;
                    s.one_step = static_cast<std::uint8_t>(armed & 0x04);
                    s = with_flag(s, state_flag::guest_tf, (combo & 1U) != 0);
                    s = with_flag(s, state_flag::tf_forced, (combo & 2U) != 0);
                    s = with_flag(s, state_flag::btf_forced, (combo & 4U) != 0);
                    s.stepping = static_cast<std::uint8_t>(stepped);
                    s = claim_breakpoints(s, claimed, client_set::only(6));
                    if (!visit(s)) return false;
                }
            }
        }
    }
    return true;
}

template <class Visit>
constexpr bool for_each_entry_state(Visit visit) {
    constexpr std::uint8_t armed_sets[] = {0, 0x01, 0x05};
    constexpr std::uint8_t branch_sets[] = {0, 0x01};
    for (std::uint8_t armed : armed_sets) {
        for (std::uint8_t branch : branch_sets) {
            for (unsigned combo = 0; combo < 32; ++combo) {
                step_state s{};
                s.armed = armed;
                s.branch_only = static_cast<std::uint8_t>(branch & armed);
                for (unsigned i = 0; i < 5; ++i) {
                    if ((combo >> i) & 1U) s.flags = static_cast<std::uint8_t>(s.flags | flag_bits[i]);
                }
                if (!visit(s)) return false;
            }
        }
    }
    return true;
}

constexpr bool guest_owns_bs(const step_state& s, std::uint64_t rflags_after) {
    return guest_owns_step_trap(has(s, state_flag::guest_tf), rflags::tf.is_set(rflags_after),
                                static_cast<next_instruction>(s.stepping)) ||
           !has(s, state_flag::tf_forced);
}

// Invariants of one TF exit decision.
constexpr bool tf_exit_invariants(const step_state& s, const tf_exit_input& in, const tf_exit_decision& d) {
    const client_set allowed = s.armed_clients() | client_set{s.breakpoint_owners};
    // Reports go only to armed clients or breakpoint owners.
    if ((d.report.clients & allowed) != d.report.clients) return false;
    // No decision leaves the hypervisor's BS in the guest's DR6.
    if ((d.guest_db & bs) != 0 && !guest_owns_bs(s, in.rflags)) return false;
    // A trap-class #DB is never re-injected as fault-class.
    if (d.guest_db_fault && hvstep::x86::classify_db(in.conditions, in.dr7) != hvstep::x86::db_class::fault) {
        return false;
    }
    if (in.kind == tf_exit_kind::debug_exception) {
        // A guest-owned #DB is never dropped.
        const std::uint32_t routable = in.conditions & routable_conditions;
        std::uint32_t guest_owned = routable & ~bs & ~static_cast<std::uint32_t>(s.host_breakpoints);
        if ((routable & bs) != 0 && guest_owns_bs(s, in.rflags)) guest_owned |= bs;
        if (guest_owned != 0 && d.guest_db != guest_owned && !d.hypervisor_handles) return false;
        // Only the guest's conditions are ever injected.
        if ((d.guest_db & ~guest_owned) != 0) return false;
    } else if (in.kind == tf_exit_kind::unrelated) {
        if (!d.hypervisor_handles || d.guest_db != 0 || d.report.any() || d.reinject_event) return false;
    } else {
        // An intercepted event is re-injected unless it is the hypervisor's.
        if (!in.hypervisor_intercepts && !in.vectoring && !d.reinject_event) return false;
        if ((in.hypervisor_intercepts || in.vectoring) && (d.reinject_event || !d.hypervisor_handles)) return false;
    }
    // After disarming, the next entry gives the guest exactly the TF it owns
    // and takes every hvstep control away.
    tf_entry_input next{};
    next.rflags = in.rflags;
    const auto p = plan_tf_entry(disarm(d.state, d.state.armed_clients()), next);
    const bool owned = has(d.state, state_flag::tf_forced) ? has(d.state, state_flag::guest_tf)
                                                           : rflags::tf.is_set(in.rflags);
    if (rflags::tf.is_set(p.rflags) != owned) return false;
    if (p.trap_controls || has(p.state, state_flag::tf_forced) || has(p.state, state_flag::btf_forced)) return false;
    return true;
}

template <unsigned Condition, unsigned Kind>
constexpr bool check_tf_exit_slice() {
    // Only #DB exits read the conditions, DR7 and what was stepped.
    if (Kind != 1 && Condition != 0) return true;
    return for_each_exit_state([](const step_state& s) {
        constexpr tf_exit_kind kinds[] = {tf_exit_kind::unrelated, tf_exit_kind::debug_exception,
                                          tf_exit_kind::icebp, tf_exit_kind::exception};
        for (std::uint64_t dr7v : dr7_catalogue) {
            for (unsigned variant = 0; variant < 8; ++variant) {
                if (kinds[Kind] != tf_exit_kind::exception && (variant & 4U) != 0) continue;
                if (Kind != 1 && (dr7v != dr7_catalogue[0] || s.stepping != 0)) continue;
                tf_exit_input in{};
                in.kind = kinds[Kind];
                in.conditions = conditions_catalogue[Condition];
                in.dr7 = dr7v;
                in.vector = 13;
                in.rflags = rflags::reserved_one.mask | ((variant & 1U) != 0 ? rflags::tf.mask : 0);
                in.hypervisor_intercepts = (variant & 2U) != 0;
                in.vectoring = (variant & 4U) != 0;
                if (!tf_exit_invariants(s, in, decide_tf_exit(s, in))) return false;
            }
        }
        return true;
    });
}

// Every VMX entry plan passes the VM-entry BS check, and nothing is pushed
// with hvstep's TF: an injecting entry carries the guest's TF.
template <unsigned Next>
constexpr bool check_tf_entry_slice() {
    return for_each_entry_state([](const step_state& s) {
        constexpr next_instruction nexts[] = {next_instruction::unknown,      next_instruction::ordinary,
                                              next_instruction::pushes_flags, next_instruction::loads_flags,
                                              next_instruction::syscall,      next_instruction::software_interrupt,
                                              next_instruction::sysret};
        for (unsigned bits = 0; bits < 128; ++bits) {
            tf_entry_input in{};
            in.rflags = rflags::reserved_one.mask | ((bits & 1U) != 0 ? rflags::tf.mask : 0);
            in.btf = (bits & 2U) != 0;
            in.shadow = shadow_state{(bits & 4U) != 0, (bits & 8U) != 0, (bits & 16U) != 0};
            in.pending_bs = (bits & 32U) != 0;
            in.injecting = (bits & 64U) != 0;
            in.next = nexts[Next];
            const auto p = plan_tf_entry(s, in);
            shadow_state after = in.shadow;
            if (p.clear_blocking_by_sti) after.blocking_by_sti = false;
            if (!passes_pending_bs_check(after, rflags::tf.is_set(p.rflags), p.btf, p.pending_bs)) return false;
            const bool guest_tf = has(p.state, state_flag::guest_tf);
            if (in.injecting && rflags::tf.is_set(p.rflags) != guest_tf) return false;
            // hvstep clears an STI shadow only when it forces a TF the guest does not own.
            if (p.clear_blocking_by_sti && (guest_tf || !has(p.state, state_flag::tf_forced))) return false;
            // The guest's own BTF survives in the state.
            if (!has(s, state_flag::tf_forced) && has(p.state, state_flag::guest_btf) != in.btf) return false;
        }
        return true;
    });
}

// MTF: every exit and entry is defined; a report only ever goes to armed clients.
constexpr bool check_mtf_machine() {
    return for_each_entry_state([](const step_state& s) {
        for (unsigned bits = 0; bits < 4; ++bits) {
            const auto d = decide_mtf_exit(s, (bits & 1U) != 0, 0x1000);
            if ((d.report.clients & s.armed_clients()) != d.report.clients) return false;
            if ((bits & 1U) == 0 && (!d.hypervisor_handles || d.report.any())) return false;
            const auto p = plan_mtf_entry(d.state, (bits & 2U) != 0);
            if (p.mtf_control != d.state.is_armed()) return false;
        }
        return true;
    });
}

template <std::size_t... C>
constexpr bool all_exit_slices(std::index_sequence<C...>) {
    return ((check_tf_exit_slice<C, 0>() && check_tf_exit_slice<C, 1>() && check_tf_exit_slice<C, 2>() &&
             check_tf_exit_slice<C, 3>()) && ...);
}

// Compile time: one static_assert per slice keeps each evaluation small.
template <std::size_t C>
struct exit_slice_asserts {
    static_assert(check_tf_exit_slice<C, 0>(), "TF exit invariants: unrelated exits");
    static_assert(check_tf_exit_slice<C, 1>(), "TF exit invariants: #DB exits");
    static_assert(check_tf_exit_slice<C, 2>(), "TF exit invariants: ICEBP exits");
    static_assert(check_tf_exit_slice<C, 3>(), "TF exit invariants: exception exits");
    static constexpr bool value = true;
};
template <std::size_t... C>
constexpr bool assert_exit_slices(std::index_sequence<C...>) {
    return (exit_slice_asserts<C>::value && ...);
}
static_assert(assert_exit_slices(std::make_index_sequence<condition_count>{}));
static_assert(check_tf_entry_slice<0>(), "entry plans: unknown instruction");
static_assert(check_tf_entry_slice<1>(), "entry plans: ordinary instruction");
static_assert(check_tf_entry_slice<2>(), "entry plans: PUSHF");
static_assert(check_tf_entry_slice<3>(), "entry plans: POPF/IRET/SYSRET");
static_assert(check_tf_entry_slice<4>(), "entry plans: SYSCALL");
static_assert(check_tf_entry_slice<5>(), "entry plans: INT n");
static_assert(check_tf_entry_slice<6>(), "entry plans: SYSRET");
static_assert(check_mtf_machine());

TEST(Exhaustive, TfExitInvariantsHoldForEveryStateAndObservation) {
    EXPECT_TRUE(all_exit_slices(std::make_index_sequence<condition_count>{}));
}
TEST(Exhaustive, EveryVmxEntryPlanPassesTheBsCheckAndPushesNoHvstepTf) {
    bool (*volatile opaque[])() = {&check_tf_entry_slice<0>, &check_tf_entry_slice<1>, &check_tf_entry_slice<2>,
                                   &check_tf_entry_slice<3>, &check_tf_entry_slice<4>, &check_tf_entry_slice<5>,
                                   &check_tf_entry_slice<6>};
    for (auto f : opaque) EXPECT_TRUE(f());
}
TEST(Exhaustive, MtfMachineIsDefinedEverywhere) {
    bool (*volatile opaque)() = &check_mtf_machine;
    EXPECT_TRUE(opaque());
}

}  // namespace
