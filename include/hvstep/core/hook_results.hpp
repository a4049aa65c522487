#pragma once
// What the hooks hand back to the hypervisor's exit handler. Everything the
// policy could write through its accessor it has written already; these are
// the things only the hypervisor can do (report to its clients, run its own
// handling, touch guest memory or general-purpose registers).

#include <cstdint>

#include "hvstep/core/step_types.hpp"
#include "hvstep/core/tf_ownership.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

// Repairs of guest-visible copies of RFLAGS that the stepped instruction made
// while hvstep's TF was set (rule "no_tf_leak"). Neither VMCS nor VMCB holds
// R11 or guest memory, so the hypervisor applies them.
struct guest_fixup {
    bool clear_tf_at_stack_top = false;  // PUSHF/PUSHFD/PUSHFQ: TF is bit 8 of the image at RSP
    bool set_r11_tf = false;             // SYSCALL copied RFLAGS into R11
    bool r11_tf = false;

    constexpr bool any() const noexcept { return clear_tf_at_stack_top || set_r11_tf; }
    // The 16-, 32- or 64-bit flags image at the guest's RSP, repaired (bit 8
    // lies in the lowest 16 bits whatever the operand size). The repair is
    // tf_ownership.hpp's rule "no_tf_leak".
    constexpr std::uint64_t fixed_stack_image(std::uint64_t image) const noexcept {
        return clear_tf_at_stack_top ? guest_flags_image(false, image) : image;
    }
    constexpr std::uint64_t fixed_r11(std::uint64_t r11) const noexcept {
        return set_r11_tf ? guest_flags_image(r11_tf, r11) : r11;
    }
};

// SVM-TF: a guest MOV to or from DR6 (or DR4, its alias when CR4.DE=0) that
// hvstep intercepted (VMCB.DR6 holds the reset pattern while the guest runs).
// The hypervisor performs it against the guest's DR6 — the stepper's
// guest_dr6()/set_guest_dr6() — advances RIP to next_rip and calls
// after_emulation(). No privilege or DR7.GD check is needed: exception checks
// take precedence over DR intercepts (APM Vol. 2 §15.9, Table 15-7).
struct dr6_access {
    bool pending = false;
    bool write = false;    // MOV to DR6
    std::uint8_t gpr = 0;  // general-purpose register number, EXITINFO1[3:0] (needs DecodeAssists, §15.8.1)
};

struct exit_result {
    step_report report{};            // clients to tell; report.any() is false when none
    bool hypervisor_handles = false;  // the exit still needs the hypervisor's normal handling
    guest_fixup fixup{};
    dr6_access dr6{};

    constexpr bool was_step() const noexcept { return report.any(); }
};

struct emulation_result {
    step_report report{};
    bool guest_db_injected = false;  // the guest's own #DB(BS), owed because it owned TF
};

}  // namespace core
}  // namespace v0
}  // namespace hvstep
