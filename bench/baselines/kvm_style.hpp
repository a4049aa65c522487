#pragma once
// KVM-style stepping, VMX and SVM: RFLAGS.TF plus the #DB intercept, as KVM_SET_GUEST_DEBUG with
// KVM_GUESTDBG_SINGLESTEP does it. Modelled from KVM's documented behaviour and its public
// source, written here from scratch:
// - arm: the guest's RFLAGS is read (through KVM's TF-hiding getter), the RIP of the step is
//   remembered, RFLAGS is written back with TF, and the exception bitmap is recomputed from
//   KVM's software copy and written whole (VMX); SVM sets the #DB intercept bit in the VMCB.
// - entry: nothing. TF stays set in the register between steps; no shadow, injection or
//   pending-debug handling (the gaps docs/step-rules.md lists: TF pushed into event frames,
//   PUSHF images and SYSCALL's R11; no VM-entry BS consistency).
// - #DB exit while single-stepping: every #DB goes to the debugger (KVM_EXIT_DEBUG with DR6, DR7
//   and the linear RIP); one that is not a step (no BS) is then re-injected into the guest, as
//   QEMU's gdbstub does: the payload is queued and delivered at injection, merged into the
//   guest's DR6 (B0-B3 replaced) and the event written into the entry fields.
// - an emulated instruction: KVM reads RFLAGS before skipping it; with TF set it reports a step
//   with the linear RIP (kvm_vcpu_do_singlestep); the guest's own #DB is not delivered then.
// - disarm: RFLAGS is read through the TF-hiding getter and written back without TF (the
//   guest's own TF goes with it); the bitmap is rewritten.
// - SVM entry: VMCB.DR6 is reset to its init value before each VMRUN when it differs
//   (KVM keeps the guest's DR6 in software and intercepts MOV DR).
// A 64-bit guest is assumed: the linear RIP is RIP (CS base 0).

#include <cstdint>

#include "common.hpp"
#include "hvstep/svm/event_injection.hpp"
#include "hvstep/svm/exit_code.hpp"
#include "hvstep/svm/intercepts.hpp"
#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_bench {
namespace baseline {

namespace kvm_detail {
inline constexpr std::uint32_t db_bit = 1U << static_cast<unsigned>(hvstep::x86::vector::db);
inline constexpr std::uint64_t tf = hvstep::x86::rflags::tf.mask;

// kvm_deliver_exception_payload for #DB: B0-B3 replaced, the rest ORed in (positive polarity).
constexpr std::uint64_t deliver_db_payload(std::uint64_t dr6, std::uint64_t payload) noexcept {
    namespace d = hvstep::x86::dr6;
    const std::uint64_t kept = d::to_conditions(dr6) & ~d::breakpoint_hits.mask;
    return d::from_conditions(kept | payload);
}
}  // namespace kvm_detail

template <class Vmcs>
class kvm_style_vmx {
    using f = hvstep::vmx::vmcs_field;

public:
    explicit kvm_style_vmx(std::uint32_t hypervisor_exceptions) noexcept
        : base_exceptions_(hypervisor_exceptions) {}

    void arm(Vmcs& v) noexcept {
        const std::uint64_t rflags = guest_rflags(v);
        singlestep_rip_ = v.read(f::guest_rip);
        singlestep_ = true;
        v.write(f::guest_rflags, rflags | kvm_detail::tf);
        v.write(f::exception_bitmap, base_exceptions_ | kvm_detail::db_bit);
    }

    void disarm(Vmcs& v) noexcept {
        const std::uint64_t rflags = guest_rflags(v);  // TF hidden: the guest's own TF is lost too
        singlestep_ = false;
        v.write(f::guest_rflags, rflags);
        v.write(f::exception_bitmap, base_exceptions_);
    }

    outcome on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        outcome o{};
        if (hvstep::vmx::basic_reason(reason) != hvstep::vmx::exit_reason::exception_or_nmi || !singlestep_) {
            o.hypervisor_handles = true;
            return o;
        }
        const auto info = static_cast<std::uint32_t>(v.read(f::vm_exit_interruption_info));
        if (hvstep::vmx::interruption_vector(info) != static_cast<std::uint8_t>(hvstep::x86::vector::db)) {
            o.hypervisor_handles = true;
            return o;
        }
        const std::uint64_t payload = v.read(f::exit_qualification);
        // KVM_EXIT_DEBUG: DR6, DR7 and the linear RIP go to the debugger.
        debug_exit_dr7_ = v.read(f::guest_dr7);
        o.rip = v.read(f::guest_rip);
        if ((payload & hvstep::vmx::debug_qualification::bs.mask) != 0) {
            o.stepped = true;
            return o;
        }
        // Not a step: the debugger gives it back to the guest.
        v.write_dr6(kvm_detail::deliver_db_payload(v.read_dr6(), payload));
        v.write(
            f::vm_entry_interruption_info,
            hvstep::vmx::make_interruption_info(static_cast<std::uint8_t>(hvstep::x86::vector::db),
                                                hvstep::vmx::interruption_type::hardware_exception, false));
        return o;
    }

    outcome after_emulation(Vmcs& v) noexcept {
        outcome o{};
        const std::uint64_t rflags = v.read(f::guest_rflags);  // raw: KVM's own TF included
        if ((rflags & kvm_detail::tf) != 0 && singlestep_) {
            o.stepped = true;
            o.rip = v.read(f::guest_rip);
        }
        return o;
    }

    void before_entry(Vmcs&) noexcept {}

    std::uint64_t debug_exit_dr7() const noexcept { return debug_exit_dr7_; }

private:
    // kvm_get_rflags: TF hidden while single-stepping.
    std::uint64_t guest_rflags(Vmcs& v) noexcept {
        const std::uint64_t rflags = v.read(f::guest_rflags);
        return singlestep_ ? rflags & ~kvm_detail::tf : rflags;
    }

    std::uint32_t base_exceptions_;
    bool singlestep_ = false;
    std::uint64_t singlestep_rip_ = 0;
    std::uint64_t debug_exit_dr7_ = 0;
};

class kvm_style_svm {
public:
    using vmcb = hvstep::svm::vmcb_layout;

    void arm(vmcb& l) noexcept {
        const std::uint64_t rflags = guest_rflags(l);
        singlestep_rip_ = l.save.rip;
        singlestep_ = true;
        l.save.rflags = rflags | kvm_detail::tf;  // RFLAGS is never cached (APM §15.15.3)
        if ((l.control.intercept_exceptions & kvm_detail::db_bit) == 0) {
            l.control.intercept_exceptions |= kvm_detail::db_bit;
            mark_dirty(l, clean_mask(hvstep::svm::clean::intercepts));
        }
    }

    void disarm(vmcb& l) noexcept {
        const std::uint64_t rflags = guest_rflags(l);
        singlestep_ = false;
        l.save.rflags = rflags;
        // KVM keeps intercepting #DB (it owns the guest's DR6 in software).
    }

    outcome on_exit(vmcb& l, std::uint32_t = 0) noexcept {
        outcome o{};
        if (l.control.exit_code != hvstep::svm::raw(hvstep::svm::exit_code::excp_db) || !singlestep_) {
            o.hypervisor_handles = true;
            return o;
        }
        const std::uint64_t dr6 = l.save.dr6;
        debug_exit_dr7_ = l.save.dr7;
        o.rip = l.save.rip;
        const std::uint64_t payload = hvstep::x86::dr6::to_conditions(dr6);
        if ((payload & hvstep::x86::dr6::bs.mask) != 0) {
            o.stepped = true;
            return o;
        }
        guest_dr6_ = kvm_detail::deliver_db_payload(guest_dr6_, payload);
        l.control.event_injection = hvstep::svm::make_event_injection(
            static_cast<std::uint8_t>(hvstep::x86::vector::db), hvstep::svm::event_type::exception);
        return o;
    }

    outcome after_emulation(vmcb& l) noexcept {
        outcome o{};
        if ((l.save.rflags & kvm_detail::tf) != 0 && singlestep_) {
            o.stepped = true;
            o.rip = l.save.rip;
        }
        return o;
    }

    // svm_set_dr6(): the guest's DR6 lives in software; VMRUN starts from the init value.
    void before_entry(vmcb& l) noexcept {
        if (l.save.dr6 != hvstep::x86::dr6::init_value) {
            l.save.dr6 = hvstep::x86::dr6::init_value;
            mark_dirty(l, clean_mask(hvstep::svm::clean::drx));
        }
    }

    std::uint64_t debug_exit_dr7() const noexcept { return debug_exit_dr7_; }

private:
    std::uint64_t guest_rflags(const vmcb& l) const noexcept {
        return singlestep_ ? l.save.rflags & ~kvm_detail::tf : l.save.rflags;
    }

    bool singlestep_ = false;
    std::uint64_t singlestep_rip_ = 0;
    std::uint64_t debug_exit_dr7_ = 0;
    std::uint64_t guest_dr6_ = hvstep::x86::dr6::init_value;
};

}  // namespace baseline
}  // namespace hvstep_bench
