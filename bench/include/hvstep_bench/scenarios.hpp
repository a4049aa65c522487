#pragma once
// The benchmark's scenarios: for one stepping policy (a row group of the table) and one exit kind,
// bring an implementation and its VMCS/VMCB to the moment just before the measured hook, the way
// a running guest would have, then run that hook. Shared by the Google Benchmark executable, the
// callgrind driver and the access-count unit test, so all three measure the same thing.
//
// An implementation offers the uniform hook set below; hvstep's policies get it from the adapters
// in this file, the hand-written baselines (bench/baselines/) have it natively:
//   arm(m)  disarm(m)  on_exit(m, exit_reason)  after_emulation(m)  before_entry(m)
// where `m` is the machine: a VMCS accessor for VMX, an svm::vmcb_layout (or a VMCB view) for SVM.

#include <cstdint>

#include "hvstep/core/step_types.hpp"
#include "hvstep/svm/tf_stepper.hpp"
#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/svm/vmcb_page.hpp"
#include "hvstep/vmx/mtf_stepper.hpp"
#include "hvstep/vmx/tf_stepper.hpp"
#include "synthetic_exits.hpp"

namespace hvstep_bench {

enum class policy : unsigned { vmx_mtf, vmx_tf, svm_tf, count_ };
inline constexpr unsigned policy_count = static_cast<unsigned>(policy::count_);

constexpr const char* name(policy p) noexcept {
    switch (p) {
        case policy::vmx_mtf:
            return "vmx-mtf";
        case policy::vmx_tf:
            return "vmx-tf";
        case policy::svm_tf:
            return "svm-tf";
        case policy::count_:
            break;
    }
    return "?";
}
constexpr bool is_svm(policy p) noexcept { return p == policy::svm_tf; }
constexpr bool uses_mtf(policy p) noexcept { return p == policy::vmx_mtf; }

// The client every scenario arms: one continuous instruction step.
inline constexpr unsigned bench_client = hvstep::core::clients::debugger;

// ---- hvstep's policies behind the uniform hook set ------------------------------------------
template <class Vmcs>
struct hvstep_vmx_mtf {
    hvstep::vmx::mtf_stepper<Vmcs> stepper{};

    void arm(Vmcs&) noexcept { stepper.arm(bench_client); }
    void disarm(Vmcs&) noexcept { stepper.disarm(bench_client); }
    hvstep::core::exit_result on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        return stepper.on_exit(v, reason);
    }
    hvstep::core::emulation_result after_emulation(Vmcs& v) noexcept { return stepper.after_emulation(v); }
    void before_entry(Vmcs& v) noexcept { stepper.before_entry(v); }
    const hvstep::core::step_state& state() const noexcept { return stepper.state(); }
};

// The hypervisor decoded the instruction at RIP: an ordinary one.
template <class Vmcs>
struct hvstep_vmx_tf {
    hvstep::vmx::tf_stepper<Vmcs> stepper{};

    void arm(Vmcs&) noexcept { stepper.arm(bench_client); }
    void disarm(Vmcs&) noexcept { stepper.disarm(bench_client); }
    hvstep::core::exit_result on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        return stepper.on_exit(v, reason);
    }
    hvstep::core::emulation_result after_emulation(Vmcs& v) noexcept { return stepper.after_emulation(v); }
    void before_entry(Vmcs& v) noexcept { stepper.before_entry(v, hvstep::core::next_instruction::ordinary); }
    const hvstep::core::step_state& state() const noexcept { return stepper.state(); }
};

template <class Vmcb>
struct hvstep_svm_tf {
    hvstep::svm::tf_stepper<Vmcb> stepper{};

    void arm(Vmcb&) noexcept { stepper.arm(bench_client); }
    void disarm(Vmcb&) noexcept { stepper.disarm(bench_client); }
    hvstep::core::exit_result on_exit(Vmcb& v, std::uint32_t = 0) noexcept { return stepper.on_exit(v); }
    hvstep::core::emulation_result after_emulation(Vmcb& v) noexcept { return stepper.after_emulation(v); }
    void before_entry(Vmcb& v) noexcept { stepper.before_entry(v, hvstep::core::next_instruction::ordinary); }
    const hvstep::core::step_state& state() const noexcept { return stepper.state(); }
};

// An implementation written against a VMCB view (svm::vmcb_page), driven with the raw
// svm::vmcb_layout the scenarios and the baselines use: the view is a pointer, built per call
// for free, as a hypervisor builds it over its VMCB page in each exit.
template <class Impl>
struct on_vmcb_page {
    Impl impl{};

    void arm(hvstep::svm::vmcb_layout& l) noexcept {
        hvstep::svm::vmcb_page p{l};
        impl.arm(p);
    }
    void disarm(hvstep::svm::vmcb_layout& l) noexcept {
        hvstep::svm::vmcb_page p{l};
        impl.disarm(p);
    }
    auto on_exit(hvstep::svm::vmcb_layout& l, std::uint32_t reason = 0) noexcept {
        hvstep::svm::vmcb_page p{l};
        return impl.on_exit(p, reason);
    }
    auto after_emulation(hvstep::svm::vmcb_layout& l) noexcept {
        hvstep::svm::vmcb_page p{l};
        return impl.after_emulation(p);
    }
    void before_entry(hvstep::svm::vmcb_layout& l) noexcept {
        hvstep::svm::vmcb_page p{l};
        impl.before_entry(p);
    }
};

// ---- scenarios ---------------------------------------------------------------------------------

// The guest of a scenario. Only guest_db differs from the quiet guest: under MTF the guest steps
// itself (TF=1); under TF it has an instruction breakpoint on the instruction at RIP.
constexpr guest_setup guest_for(policy p, exit_kind k) noexcept {
    guest_setup g{};
    if (k == exit_kind::guest_db) {
        if (uses_mtf(p)) {
            g.rflags |= hvstep::x86::rflags::tf.mask;
        } else {
            g.dr7 = dr7_instruction_breakpoint_0;
        }
    }
    return g;
}

namespace detail {
template <policy P, class Machine>
std::uint32_t ready(Machine& m, const guest_setup& g) {
    if constexpr (is_svm(P)) {
        svm::ready_for_entry(m, g);
    } else {
        vmx::ready_for_entry(m, g);
    }
    return 0;
}

// The exit that ends the step the implementation armed.
template <policy P, class Machine>
std::uint32_t step_exit(Machine& m) {
    if constexpr (is_svm(P)) {
        return static_cast<std::uint32_t>(svm::single_step_db_exit(m));
    } else if constexpr (uses_mtf(P)) {
        return vmx::mtf_exit(m);
    } else {
        return vmx::single_step_db_exit(m);
    }
}

template <policy P, class Machine>
std::uint32_t guest_db_exit(Machine& m) {
    if constexpr (is_svm(P)) {
        return static_cast<std::uint32_t>(svm::instruction_breakpoint_db_exit(m));
    } else if constexpr (uses_mtf(P)) {
        return vmx::mtf_exit(m, true);
    } else {
        return vmx::instruction_breakpoint_db_exit(m);
    }
}

template <policy P, class Machine>
std::uint32_t unrelated_exit(Machine& m) {
    if constexpr (is_svm(P)) {
        return static_cast<std::uint32_t>(svm::external_interrupt_exit(m));
    } else {
        return vmx::external_interrupt_exit(m);
    }
}

template <policy P, class Machine>
std::uint32_t emulation_exit(Machine& m) {
    if constexpr (is_svm(P)) {
        return static_cast<std::uint32_t>(svm::cpuid_exit(m));
    } else {
        return vmx::cpuid_exit(m);
    }
}

template <policy P, class Machine>
void complete_emulation(Machine& m) {
    if constexpr (is_svm(P)) {
        svm::complete_emulation(m);
    } else {
        vmx::complete_emulation(m);
    }
}
}  // namespace detail

// Bring `impl` and `m` to the moment just before the hook of kind `K`; returns the exit reason the
// hook is given (VMX; 0 on SVM, where the hook reads EXITCODE itself).
template <policy P, exit_kind K, class Impl, class Machine>
std::uint32_t prepare(Impl& impl, Machine& m) {
    detail::ready<P>(m, guest_for(P, K));
    if constexpr (K == exit_kind::arm) {
        // Idle: an unrelated exit was handled; the client arms before the entry.
        const std::uint32_t reason = detail::unrelated_exit<P>(m);
        impl.on_exit(m, reason);
        return reason;
    } else {
        impl.arm(m);
        impl.before_entry(m);
        if constexpr (K == exit_kind::step_trap) {
            return detail::step_exit<P>(m);
        } else if constexpr (K == exit_kind::guest_db) {
            return detail::guest_db_exit<P>(m);
        } else if constexpr (K == exit_kind::unrelated) {
            return detail::unrelated_exit<P>(m);
        } else if constexpr (K == exit_kind::after_emulation) {
            const std::uint32_t reason = detail::emulation_exit<P>(m);
            impl.on_exit(m, reason);
            detail::complete_emulation<P>(m);
            return reason;
        } else {  // disarm, before_entry: the exit that ended a step has been handled
            const std::uint32_t reason = detail::step_exit<P>(m);
            impl.on_exit(m, reason);
            return reason;
        }
    }
}

// The measured hook(s) of kind `K`. `sink` receives each hook's result (the benchmark passes
// benchmark::DoNotOptimize; tests keep it).
template <exit_kind K, class Impl, class Machine, class Sink>
inline void run(Impl& impl, Machine& m, std::uint32_t reason, Sink&& sink) {
    if constexpr (K == exit_kind::step_trap || K == exit_kind::guest_db || K == exit_kind::unrelated) {
        auto r = impl.on_exit(m, reason);
        sink(r);
    } else if constexpr (K == exit_kind::after_emulation) {
        auto r = impl.after_emulation(m);
        sink(r);
    } else if constexpr (K == exit_kind::arm) {
        impl.arm(m);
        impl.before_entry(m);
    } else if constexpr (K == exit_kind::disarm) {
        impl.disarm(m);
        impl.before_entry(m);
    } else {
        impl.before_entry(m);
    }
}

}  // namespace hvstep_bench
