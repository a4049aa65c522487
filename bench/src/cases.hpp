#pragma once
// The benchmark's cases: every (policy, exit kind, implementation) of the table, the machines
// they run on (an opaque array-backed VMCS accessor, a VMCB in memory), and the per-iteration
// reset. Shared by the Google Benchmark executable and the callgrind driver.

#include <cstdint>
#include <utility>

#include "../baselines/floor.hpp"
#include "../baselines/kvm_style.hpp"
#include "../baselines/vbox_style.hpp"
#include "../baselines/xen_style.hpp"
#include "../include/hvstep_bench/scenarios.hpp"
#include "../include/hvstep_bench/synthetic_exits.hpp"

namespace hvstep_bench {

// ---- the VMCS: a small table behind cheap but opaque VMREAD/VMWRITE --------------------------
// Each access is one load or store the compiler may neither drop, merge, reorder against another
// access, nor see through (an asm volatile with the value in a register, as a real VMREAD/VMWRITE
// wrapper is written), but it costs a memory access instead of the tens of cycles of a real
// VMREAD. The field-to-slot switch folds away: the field is a constant at every call site.
namespace detail {
inline std::uint64_t opaque_load(const std::uint64_t& slot) noexcept {
    std::uint64_t value;
#if defined(__x86_64__)
    asm volatile("movq %1, %0" : "=r"(value) : "m"(slot));
#else
    value = slot;
    asm volatile("" : "+r"(value) : "m"(slot));
#endif
    return value;
}
inline void opaque_store(std::uint64_t& slot, std::uint64_t value) noexcept {
#if defined(__x86_64__)
    asm volatile("movq %1, %0" : "=m"(slot) : "r"(value));
#else
    asm volatile("" : "+r"(value));
    slot = value;
    asm volatile("" : : "m"(slot));
#endif
}
}  // namespace detail

struct table_vmcs {
    using field = hvstep::vmx::vmcs_field;
    static constexpr unsigned slot_count = 24;

    std::uint64_t slot[slot_count] = {};
    std::uint64_t guest_dr6 = 0;
    std::uint64_t guest_cr2 = 0;

    static constexpr unsigned index(field f) noexcept {
        switch (f) {
            case field::guest_rip:
                return 0;
            case field::guest_rflags:
                return 1;
            case field::guest_cs_selector:
                return 2;
            case field::guest_dr7:
                return 3;
            case field::guest_debugctl:
                return 4;
            case field::guest_interruptibility_state:
                return 5;
            case field::guest_activity_state:
                return 6;
            case field::guest_pending_debug_exceptions:
                return 7;
            case field::primary_processor_controls:
                return 8;
            case field::exception_bitmap:
                return 9;
            case field::vm_entry_interruption_info:
                return 10;
            case field::vm_entry_exception_error_code:
                return 11;
            case field::vm_entry_instruction_length:
                return 12;
            case field::exit_reason:
                return 13;
            case field::exit_qualification:
                return 14;
            case field::vm_exit_interruption_info:
                return 15;
            case field::vm_exit_interruption_error_code:
                return 16;
            case field::vm_exit_instruction_length:
                return 17;
            case field::idt_vectoring_info:
                return 18;
            default:
                return slot_count - 1;
        }
    }

    std::uint64_t read(field f) noexcept { return detail::opaque_load(slot[index(f)]); }
    void write(field f, std::uint64_t v) noexcept { detail::opaque_store(slot[index(f)], v); }
    std::uint64_t read_dr6() noexcept { return detail::opaque_load(guest_dr6); }
    void write_dr6(std::uint64_t v) noexcept { detail::opaque_store(guest_dr6, v); }
    void write_cr2(std::uint64_t v) noexcept { detail::opaque_store(guest_cr2, v); }
};

// The per-iteration reset: the machine back to the snapshot taken at the exit. The same for every
// implementation of a policy (a few hundred bytes of stores), and timed on its own ("reset"
// rows) so it can be subtracted.
inline table_vmcs snapshot_of(const table_vmcs& v) noexcept { return v; }
inline void restore(table_vmcs& to, const table_vmcs& from) noexcept { to = from; }

// Every VMCB field a scenario or an implementation touches, kept apart from the 4 KiB-aligned
// page: a second vmcb_layout as the snapshot would put every load of the reset at the page
// offset of a store of the previous iteration (4K aliasing), which costs more than some hooks.
struct vmcb_fields {
    std::uint32_t intercept_dr, intercept_exceptions, intercept_misc1, intercept_misc2, vmcb_clean;
    std::uint64_t exit_code, exit_info1, exit_info2, exit_int_info, event_injection,
        lbr_virtualization_enable, next_rip;
    hvstep::svm::vmcb_segment cs;
    std::uint64_t dr7, dr6, rflags, rip, cr2, dbgctl;
};

inline vmcb_fields snapshot_of(const hvstep::svm::vmcb_layout& l) noexcept {
    return vmcb_fields{l.control.intercept_dr,
                       l.control.intercept_exceptions,
                       l.control.intercept_misc1,
                       l.control.intercept_misc2,
                       l.control.vmcb_clean,
                       l.control.exit_code,
                       l.control.exit_info1,
                       l.control.exit_info2,
                       l.control.exit_int_info,
                       l.control.event_injection,
                       l.control.lbr_virtualization_enable,
                       l.control.next_rip,
                       l.save.cs,
                       l.save.dr7,
                       l.save.dr6,
                       l.save.rflags,
                       l.save.rip,
                       l.save.cr2,
                       l.save.dbgctl};
}

inline void restore(hvstep::svm::vmcb_layout& to, const vmcb_fields& from) noexcept {
    to.control.intercept_dr = from.intercept_dr;
    to.control.intercept_exceptions = from.intercept_exceptions;
    to.control.intercept_misc1 = from.intercept_misc1;
    to.control.intercept_misc2 = from.intercept_misc2;
    to.control.vmcb_clean = from.vmcb_clean;
    to.control.exit_code = from.exit_code;
    to.control.exit_info1 = from.exit_info1;
    to.control.exit_info2 = from.exit_info2;
    to.control.exit_int_info = from.exit_int_info;
    to.control.event_injection = from.event_injection;
    to.control.lbr_virtualization_enable = from.lbr_virtualization_enable;
    to.control.next_rip = from.next_rip;
    to.save.cs = from.cs;
    to.save.dr7 = from.dr7;
    to.save.dr6 = from.dr6;
    to.save.rflags = from.rflags;
    to.save.rip = from.rip;
    to.save.cr2 = from.cr2;
    to.save.dbgctl = from.dbgctl;
}

// ---- the implementations of each policy's row group -------------------------------------------
enum class impl_id : unsigned { hvstep, floor, xen, kvm, vbox, count_ };
inline constexpr unsigned impl_count = static_cast<unsigned>(impl_id::count_);

constexpr const char* name(impl_id i) noexcept {
    switch (i) {
        case impl_id::hvstep:
            return "hvstep";
        case impl_id::floor:
            return "floor";
        case impl_id::xen:
            return "xen-style";
        case impl_id::kvm:
            return "kvm-style";
        case impl_id::vbox:
            return "vbox-style";
        case impl_id::count_:
            break;
    }
    return "?";
}

template <policy P, impl_id I>
struct impl_for {
    static constexpr bool exists = false;
};

inline constexpr std::uint32_t bench_hypervisor_exceptions = guest_setup{}.hypervisor_exceptions;

template <>
struct impl_for<policy::vmx_mtf, impl_id::hvstep> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static hvstep_vmx_mtf<table_vmcs> make() noexcept { return {}; }
};
template <>
struct impl_for<policy::vmx_mtf, impl_id::floor> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static floor::vmx_mtf<table_vmcs> make() noexcept { return {}; }
};
template <>
struct impl_for<policy::vmx_mtf, impl_id::xen> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static baseline::xen_style_mtf<table_vmcs> make() noexcept {
        return baseline::xen_style_mtf<table_vmcs>{vmx::typical_primary_controls};
    }
};
template <>
struct impl_for<policy::vmx_mtf, impl_id::vbox> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static baseline::vbox_style_vmx<table_vmcs> make() noexcept {
        return baseline::vbox_style_vmx<table_vmcs>{true, vmx::typical_primary_controls,
                                                    bench_hypervisor_exceptions};
    }
};

template <>
struct impl_for<policy::vmx_tf, impl_id::hvstep> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static hvstep_vmx_tf<table_vmcs> make() noexcept { return {}; }
};
template <>
struct impl_for<policy::vmx_tf, impl_id::floor> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static floor::vmx_tf<table_vmcs> make() noexcept { return {}; }
};
template <>
struct impl_for<policy::vmx_tf, impl_id::kvm> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static baseline::kvm_style_vmx<table_vmcs> make() noexcept {
        return baseline::kvm_style_vmx<table_vmcs>{bench_hypervisor_exceptions};
    }
};
template <>
struct impl_for<policy::vmx_tf, impl_id::vbox> {
    static constexpr bool exists = true;
    using machine = table_vmcs;
    static baseline::vbox_style_vmx<table_vmcs> make() noexcept {
        return baseline::vbox_style_vmx<table_vmcs>{false, vmx::typical_primary_controls,
                                                    bench_hypervisor_exceptions};
    }
};

template <>
struct impl_for<policy::svm_tf, impl_id::hvstep> {
    static constexpr bool exists = true;
    using machine = hvstep::svm::vmcb_layout;
    static on_vmcb_page<hvstep_svm_tf<hvstep::svm::vmcb_page>> make() noexcept { return {}; }
};
template <>
struct impl_for<policy::svm_tf, impl_id::floor> {
    static constexpr bool exists = true;
    using machine = hvstep::svm::vmcb_layout;
    static on_vmcb_page<floor::svm_tf<hvstep::svm::vmcb_page>> make() noexcept { return {}; }
};
template <>
struct impl_for<policy::svm_tf, impl_id::kvm> {
    static constexpr bool exists = true;
    using machine = hvstep::svm::vmcb_layout;
    static baseline::kvm_style_svm make() noexcept { return {}; }
};
template <>
struct impl_for<policy::svm_tf, impl_id::vbox> {
    static constexpr bool exists = true;
    using machine = hvstep::svm::vmcb_layout;
    static baseline::vbox_style_svm make() noexcept { return {}; }
};

// One case, ready to run: the snapshot taken at the exit and the working copies.
template <policy P, exit_kind K, impl_id I>
struct prepared_case {
    using F = impl_for<P, I>;
    using impl_type = decltype(F::make());
    using machine_type = typename F::machine;

    machine_type machine{};
    impl_type impl = F::make();
    decltype(snapshot_of(machine)) snapshot_machine{};
    impl_type snapshot_impl = F::make();
    std::uint32_t reason = 0;

    prepared_case() noexcept {
        reason = prepare<P, K>(impl, machine);
        snapshot_machine = snapshot_of(machine);
        snapshot_impl = impl;
    }
    void reset() noexcept {
        restore(machine, snapshot_machine);
        impl = snapshot_impl;
    }
};

// Calls visitor.template operator()<P, K, I>() for every case of the table, in table order.
template <class Visitor>
void for_each_case(Visitor&& visitor);

namespace detail {
template <policy P, exit_kind K, class Visitor, unsigned... Is>
void visit_impls(Visitor& v, std::integer_sequence<unsigned, Is...>) {
    (
        [&] {
            if constexpr (impl_for<P, static_cast<impl_id>(Is)>::exists) {
                v.template operator()<P, K, static_cast<impl_id>(Is)>();
            }
        }(),
        ...);
}
template <policy P, class Visitor, unsigned... Ks>
void visit_kinds(Visitor& v, std::integer_sequence<unsigned, Ks...>) {
    (visit_impls<P, static_cast<exit_kind>(Ks)>(v, std::make_integer_sequence<unsigned, impl_count>{}), ...);
}
template <class Visitor, unsigned... Ps>
void visit_policies(Visitor& v, std::integer_sequence<unsigned, Ps...>) {
    (visit_kinds<static_cast<policy>(Ps)>(v, std::make_integer_sequence<unsigned, exit_kind_count>{}), ...);
}
}  // namespace detail

template <class Visitor>
void for_each_case(Visitor&& visitor) {
    detail::visit_policies(visitor, std::make_integer_sequence<unsigned, policy_count>{});
}

}  // namespace hvstep_bench
