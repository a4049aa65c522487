#pragma once
// How a #DB's conditions become the guest-visible DR6.
//
// "Conditions" are DR6 bits in positive polarity (a set bit means "this
// happened", RTM included), the form both the VMX exit qualification (SDM
// Vol. 3C §28.2.1) and x86::dr6::to_conditions() produce.
//
// SDM Vol. 3B §18.2.3 "Debug Status Register (DR6)": a #DB may clear B0-B3;
// BD, BS and BT are never cleared by the processor (sticky); RTM (bit 16) is
// active-low. hvstep chooses the "clear B0-B3" reading, so B0-B3 show the
// breakpoints of the latest #DB only, which is what Intel processors do and
// what KVM's payload delivery models.
//
// Neither VMX nor SVM update DR6 when a #DB is injected (SDM Vol. 3C §27.6.1
// "Event Injection"; APM Vol. 2 §15.20 "Event Injection"): the hypervisor
// merges the payload itself, here.

#include <cstdint>

#include "hvstep/x86/dr6.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

// The conditions hvstep routes; anything else in an exit's report is dropped
// (reserved bits are not conditions).
inline constexpr std::uint32_t routable_conditions = static_cast<std::uint32_t>(x86::dr6::condition_bits);

// Rule "dr6_merge_payload".
constexpr std::uint64_t merge_into_dr6(std::uint64_t guest_dr6, std::uint32_t conditions) noexcept {
    const std::uint64_t positive = x86::dr6::to_conditions(guest_dr6) & ~x86::dr6::breakpoint_hits.mask;
    return x86::dr6::from_conditions(positive | (conditions & routable_conditions));
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
