#pragma once
// The ready VMCB view for the SVM step policies: the handful of VMCB fields a single-stepper reads
// and writes, over a 4 KiB VMCB page the hypervisor owns and passes to VMRUN.
//
// Clean bits (AMD APM Vol. 2 §15.15 "VMCB State Caching"): VMRUN may take guest state from an
// on-chip cache instead of the VMCB for every group whose bit is set in the VMCB Clean field, and
// the hypervisor must clear a group's bit whenever it writes that group (§15.15.2). So each setter
// clears exactly the bit that covers what it wrote (Figure 15-4):
//   intercept words            -> clean::intercepts (bit 0)
//   DR6                        -> clean::drx        (bit 6)
//   CR2                        -> clean::cr2        (bit 9)
//   DBGCTL, LBR virtualization -> clean::lbr        (bit 10)
//   RFLAGS, RIP, EVENTINJ      -> none: explicitly never cached (§15.15.3)
// LBR_VIRTUALIZATION_ENABLE itself is not listed in Figure 15-4; clearing the LBR bit with it is the
// safe reading, since turning it on is what makes VMRUN load DBGCTL at all (§15.23.1), and clean
// bits are only hints (a cleared bit merely costs a reload).
//
// The page is ordinary write-back memory while the exit handler runs (§15.5.1): accesses are plain
// member accesses, no volatile. The view is a pointer: copying it does not copy the VMCB.

#include <cstdint>

#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace svm {

class vmcb_page {
public:
    // `page` is the hypervisor's mapping of the 4 KiB-aligned VMCB (the page VMRUN is given).
    explicit vmcb_page(void* page) noexcept : vmcb_(static_cast<vmcb_layout*>(page)) {}
    explicit constexpr vmcb_page(vmcb_layout& layout) noexcept : vmcb_(&layout) {}

    // ---- state-save area ----
    constexpr std::uint64_t rflags() const noexcept { return vmcb_->save.rflags; }
    constexpr void set_rflags(std::uint64_t value) noexcept { vmcb_->save.rflags = value; }

    constexpr std::uint64_t rip() const noexcept { return vmcb_->save.rip; }
    constexpr void set_rip(std::uint64_t value) noexcept { vmcb_->save.rip = value; }
    constexpr std::uint64_t rsp() const noexcept { return vmcb_->save.rsp; }
    constexpr std::uint64_t rax() const noexcept { return vmcb_->save.rax; }
    // SYSCALL clears the RFLAGS bits set here after copying RFLAGS to R11.
    constexpr std::uint64_t sfmask() const noexcept { return vmcb_->save.sfmask; }

    // On a #DB intercept DR6 already holds what the guest's handler would see (§15.12.2).
    constexpr std::uint64_t dr6() const noexcept { return vmcb_->save.dr6; }
    constexpr void set_dr6(std::uint64_t value) noexcept {
        vmcb_->save.dr6 = value;
        dirty(mask32(clean::drx));
    }
    constexpr std::uint64_t dr7() const noexcept { return vmcb_->save.dr7; }
    constexpr void set_dr7(std::uint64_t value) noexcept {
        vmcb_->save.dr7 = value;
        dirty(mask32(clean::drx));
    }

    // CR2 is what a #PF the hypervisor delivers itself must leave behind (§15.12.15: an intercepted
    // #PF does not write CR2).
    constexpr std::uint64_t cr2() const noexcept { return vmcb_->save.cr2; }
    constexpr void set_cr2(std::uint64_t value) noexcept {
        vmcb_->save.cr2 = value;
        dirty(mask32(clean::cr2));
    }

    // The guest DebugCtl; VMRUN loads it only while LBR virtualization is enabled (§15.23.1).
    constexpr std::uint64_t debugctl() const noexcept { return vmcb_->save.dbgctl; }
    constexpr void set_debugctl(std::uint64_t value) noexcept {
        vmcb_->save.dbgctl = value;
        dirty(mask32(clean::lbr));
    }
    constexpr bool lbr_virtualization() const noexcept {
        return lbr_control::lbr_virtualization_enable.is_set(vmcb_->control.lbr_virtualization_enable);
    }
    constexpr void set_lbr_virtualization(bool on) noexcept {
        vmcb_->control.lbr_virtualization_enable =
            lbr_control::lbr_virtualization_enable.assign(vmcb_->control.lbr_virtualization_enable, on);
        dirty(mask32(clean::lbr));
    }

    // ---- control area: exit status (written by #VMEXIT) ----
    // nRIP: the next sequential RIP on instruction, MSR, IOIO and INT3/INTO/BOUND exits, 0 on
    // every other exit (§15.7.1); only where CPUID Fn8000_000A_EDX[NRIPS] is set.
    constexpr std::uint64_t next_rip() const noexcept { return vmcb_->control.next_rip; }
    constexpr std::uint64_t exit_code() const noexcept { return vmcb_->control.exit_code; }
    constexpr std::uint64_t exit_info1() const noexcept { return vmcb_->control.exit_info1; }
    constexpr std::uint64_t exit_info2() const noexcept { return vmcb_->control.exit_info2; }
    constexpr std::uint64_t exit_int_info() const noexcept { return vmcb_->control.exit_int_info; }
    // An STI / MOV SS shadow the guest was in when it exited (§15.21.5).
    constexpr bool interrupt_shadow() const noexcept {
        return int_shadow::interrupt_shadow.is_set(vmcb_->control.interrupt_shadow);
    }

    // ---- control area: event injection (§15.20) ----
    constexpr std::uint64_t event_injection() const noexcept { return vmcb_->control.event_injection; }
    constexpr void set_event_injection(std::uint64_t value) noexcept { vmcb_->control.event_injection = value; }

    // ---- control area: intercept vectors (svm/intercepts.hpp) ----
    constexpr std::uint32_t exception_intercepts() const noexcept { return vmcb_->control.intercept_exceptions; }
    constexpr void set_exception_intercepts(std::uint32_t value) noexcept {
        vmcb_->control.intercept_exceptions = value;
        dirty(mask32(clean::intercepts));
    }
    constexpr std::uint32_t misc1_intercepts() const noexcept { return vmcb_->control.intercept_misc1; }
    constexpr void set_misc1_intercepts(std::uint32_t value) noexcept {
        vmcb_->control.intercept_misc1 = value;
        dirty(mask32(clean::intercepts));
    }
    constexpr std::uint32_t misc2_intercepts() const noexcept { return vmcb_->control.intercept_misc2; }
    constexpr void set_misc2_intercepts(std::uint32_t value) noexcept {
        vmcb_->control.intercept_misc2 = value;
        dirty(mask32(clean::intercepts));
    }
    constexpr std::uint32_t dr_intercepts() const noexcept { return vmcb_->control.intercept_dr; }
    constexpr void set_dr_intercepts(std::uint32_t value) noexcept {
        vmcb_->control.intercept_dr = value;
        dirty(mask32(clean::intercepts));
    }

private:
    constexpr void dirty(std::uint32_t clean_bit) noexcept { vmcb_->control.vmcb_clean &= ~clean_bit; }

    vmcb_layout* vmcb_;
};

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
