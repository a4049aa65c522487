#pragma once
// How a #DB's conditions become the guest-visible DR6.
//
// "Conditions" are DR6 bits in positive polarity (a set bit means "this
// happened", RTM included), the form both the VMX exit qualification (SDM
// Vol. 3C §28.2.1) and x86::dr6::to_conditions() produce.
//
// SDM Vol. 3B §18.2.3 "Debug Status Register (DR6)": a #DB may clear B0-B3;
// BD, BS, BT and BLD are never cleared by the processor (sticky); RTM (bit 16)
// is active-low and "set for any other debug exception", so every #DB rewrites
// it. hvstep chooses the "clear B0-B3" reading, so B0-B3 show the breakpoints
// of the latest #DB only, which is what Intel processors do and what KVM's
// payload delivery models.
//
// Neither VMX nor SVM update DR6 when a #DB is injected (SDM Vol. 3C §27.6.1.1
// "Details of Vectored-Event Injection": "DR6, DR7, and the IA32_DEBUGCTL MSR
// are not modified by event injection, even if the event has vector 1"; SVM's
// EVENTINJ does not write them either, APM Vol. 2 §15.20): the hypervisor
// merges the payload itself, here. The same holds for what native delivery of
// a #DB changes beyond DR6 (rule "db_delivery_side_effects" below).

#include <cstdint>

#include "hvstep/x86/debugctl.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

// The conditions hvstep routes; anything else in an exit's report is dropped
// (reserved bits are not conditions).
inline constexpr std::uint32_t routable_conditions = static_cast<std::uint32_t>(x86::dr6::condition_bits);

// Rule "dr6_merge_payload".
constexpr std::uint64_t merge_into_dr6(std::uint64_t guest_dr6, std::uint32_t conditions) noexcept {
    const std::uint64_t replaced = x86::dr6::breakpoint_hits.mask | x86::dr6::rtm.mask;
    const std::uint64_t positive = x86::dr6::to_conditions(guest_dr6) & ~replaced;
    return x86::dr6::from_conditions(positive | (conditions & routable_conditions));
}

// Rule "db_delivery_side_effects": delivering a #DB clears DR7.GD (SDM Vol. 3B
// §18.2.4 "Debug Control Register (DR7)": "the processor clears the GD flag upon
// entering the debug exception handler"), and IA32_DEBUGCTL.BTF and LBR (SDM
// Vol. 3B §18.4.3 "Single-Stepping on Branches": "the processor clears the BTF
// flag when it generates a debug exception"; §18.4.1 for LBR; AMD APM Vol. 2
// §13.1.1.6 likewise). Injection does neither, so an injected #DB applies them.
constexpr std::uint64_t dr7_after_db_delivery(std::uint64_t dr7) noexcept { return x86::dr7::gd.without(dr7); }
constexpr std::uint64_t debugctl_after_db_delivery(std::uint64_t debugctl) noexcept {
    return x86::debugctl::lbr.without(x86::debugctl::btf.without(debugctl));
}

// Rule "hidden_db_leaves_dr7": a #DB the guest never receives (hvstep consumed
// it) must not leave the delivery's side effects behind. SVM may write DR7
// before the #DB intercept (APM Vol. 2 §15.12.2), clearing GD; the guest's GD
// at entry comes back.
constexpr std::uint64_t dr7_after_hidden_db(std::uint64_t dr7, bool guest_gd_at_entry) noexcept {
    return guest_gd_at_entry ? x86::dr7::gd.with(dr7) : dr7;
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
