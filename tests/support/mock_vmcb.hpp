#pragma once
// A VMCB view for the SVM policies, usable in constant expressions, that counts
// every access the policy makes, in total and per field. It satisfies
// svm::check_vmcb_view (vmcb_accessor.hpp) and holds only the fields that
// check asks for, plus the guest's interrupt shadow, which no policy may touch
// (tests check that).
// Tests set the scene with poke() and inspect with peek(), which do not count,
// as with mock_vmcs.

#include <cstdint>

#include "hvstep/svm/vmcb_accessor.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_test {

// One slot per VMCB field the view exposes (APM Vol. 2 Appendix B names in comments).
enum class vmcb_slot : unsigned {
    rflags,                // save area 170h
    rip,                   // save area 178h
    next_rip,              // control 0C8h (nRIP)
    dr6,                   // save area 168h
    dr7,                   // save area 160h
    debugctl,              // save area 270h (DBGCTL)
    lbr_virtualization,    // control 0B8h bit 0, as 0 or 1
    cr2,                   // save area 240h
    exit_code,             // control 070h
    exit_info1,            // control 078h
    exit_info2,            // control 080h
    exit_int_info,         // control 088h
    event_injection,       // control 0A8h (EVENTINJ)
    exception_intercepts,  // control 008h
    misc2_intercepts,      // control 010h
    dr_intercepts,         // control 004h
    interrupt_shadow,      // control 068h: not part of the view; never accessed by a policy
    count_
};

struct mock_vmcb {
    static constexpr unsigned slot_count = static_cast<unsigned>(vmcb_slot::count_);

    std::uint64_t values[slot_count]{};
    unsigned reads_of[slot_count]{};
    unsigned writes_of[slot_count]{};
    unsigned reads = 0;
    unsigned writes = 0;

    // What a guest looks like after reset: DR6 and DR7 at their init values,
    // RFLAGS with its reserved bit (SDM Vol. 3A Table 10-1; APM Table 14-1).
    constexpr mock_vmcb() noexcept {
        poke(vmcb_slot::dr6, hvstep::x86::dr6::init_value);
        poke(vmcb_slot::dr7, hvstep::x86::dr7::init_value);
        poke(vmcb_slot::rflags, hvstep::x86::rflags::reset_value);
    }

    static constexpr unsigned index(vmcb_slot s) noexcept { return static_cast<unsigned>(s); }

    constexpr std::uint64_t peek(vmcb_slot s) const noexcept { return values[index(s)]; }
    constexpr void poke(vmcb_slot s, std::uint64_t v) noexcept { values[index(s)] = v; }
    constexpr unsigned reads_of_slot(vmcb_slot s) const noexcept { return reads_of[index(s)]; }
    constexpr unsigned writes_of_slot(vmcb_slot s) const noexcept { return writes_of[index(s)]; }
    constexpr void reset_counts() noexcept {
        reads = writes = 0;
        for (unsigned i = 0; i < slot_count; ++i) reads_of[i] = writes_of[i] = 0;
    }

    // ---- the view hvstep's SVM policy uses (vmcb_accessor.hpp) ----
    constexpr std::uint64_t rflags() noexcept { return get(vmcb_slot::rflags); }
    constexpr void set_rflags(std::uint64_t v) noexcept { put(vmcb_slot::rflags, v); }
    constexpr std::uint64_t rip() noexcept { return get(vmcb_slot::rip); }
    constexpr void set_rip(std::uint64_t v) noexcept { put(vmcb_slot::rip, v); }
    constexpr std::uint64_t next_rip() noexcept { return get(vmcb_slot::next_rip); }
    constexpr void set_cr2(std::uint64_t v) noexcept { put(vmcb_slot::cr2, v); }

    constexpr std::uint64_t dr6() noexcept { return get(vmcb_slot::dr6); }
    constexpr void set_dr6(std::uint64_t v) noexcept { put(vmcb_slot::dr6, v); }
    constexpr std::uint64_t dr7() noexcept { return get(vmcb_slot::dr7); }
    constexpr void set_dr7(std::uint64_t v) noexcept { put(vmcb_slot::dr7, v); }
    constexpr std::uint64_t debugctl() noexcept { return get(vmcb_slot::debugctl); }
    constexpr void set_debugctl(std::uint64_t v) noexcept { put(vmcb_slot::debugctl, v); }
    constexpr bool lbr_virtualization() noexcept { return get(vmcb_slot::lbr_virtualization) != 0; }
    constexpr void set_lbr_virtualization(bool on) noexcept { put(vmcb_slot::lbr_virtualization, on ? 1U : 0U); }

    constexpr std::uint64_t exit_code() noexcept { return get(vmcb_slot::exit_code); }
    constexpr std::uint64_t exit_info1() noexcept { return get(vmcb_slot::exit_info1); }
    constexpr std::uint64_t exit_info2() noexcept { return get(vmcb_slot::exit_info2); }
    constexpr std::uint64_t exit_int_info() noexcept { return get(vmcb_slot::exit_int_info); }
    constexpr std::uint64_t event_injection() noexcept { return get(vmcb_slot::event_injection); }
    constexpr void set_event_injection(std::uint64_t v) noexcept { put(vmcb_slot::event_injection, v); }

    constexpr std::uint32_t exception_intercepts() noexcept { return get32(vmcb_slot::exception_intercepts); }
    constexpr void set_exception_intercepts(std::uint32_t v) noexcept { put(vmcb_slot::exception_intercepts, v); }
    constexpr std::uint32_t misc2_intercepts() noexcept { return get32(vmcb_slot::misc2_intercepts); }
    constexpr void set_misc2_intercepts(std::uint32_t v) noexcept { put(vmcb_slot::misc2_intercepts, v); }
    constexpr std::uint32_t dr_intercepts() noexcept { return get32(vmcb_slot::dr_intercepts); }
    constexpr void set_dr_intercepts(std::uint32_t v) noexcept { put(vmcb_slot::dr_intercepts, v); }

private:
    constexpr std::uint64_t get(vmcb_slot s) noexcept {
        ++reads;
        ++reads_of[index(s)];
        return values[index(s)];
    }
    constexpr std::uint32_t get32(vmcb_slot s) noexcept { return static_cast<std::uint32_t>(get(s)); }
    constexpr void put(vmcb_slot s, std::uint64_t v) noexcept {
        ++writes;
        ++writes_of[index(s)];
        values[index(s)] = v;
    }
};

static_assert(hvstep::svm::is_vmcb_view_v<mock_vmcb>, "mock_vmcb must satisfy svm::check_vmcb_view");

}  // namespace hvstep_test
