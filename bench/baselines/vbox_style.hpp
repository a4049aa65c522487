#pragma once
// VirtualBox-style stepping (HM's "single instruction" mode for the debugger), VMX and SVM.
// Modelled from VirtualBox's documented behaviour and its public source, written here from
// scratch:
// - VMX: MTF when the capability MSR allows it, else RFLAGS.TF with the #DB intercept and a
//   "clear TF afterwards" flag. SVM: always TF + #DB intercept.
// - VirtualBox imports guest registers from the VMCS/VMCB lazily, once per exit, into a software
//   context, and writes dirty ones back at the next entry; it caches the processor-based
//   controls and the exception bitmap (VMX) and reads the VMCB intercept word (SVM).
// - A step ends on the MTF exit or on a #DB whose DR6 has BS while single-stepping; any other
//   exit ends it when RIP or CS moved since the step started (the step loop's check). The step's
//   end clears RFLAGS.TF unconditionally when the step had set it: the guest's own TF is lost.
// - MTF exit: MTF cleared in the cached controls and written. Next step: set and written again.
// - A #DB that is not the step: the guest's DR6 updated, DR7.GD cleared and DR7 written back,
//   and the event re-injected with the exit's instruction length. SVM resets VMCB.DR6 after
//   every #DB intercept.
// - An emulated instruction: the step loop sees RIP moved and ends the step; the guest's TF is
//   checked to raise its #DB.

#include <cstdint>

#include "common.hpp"
#include "hvstep/svm/event_injection.hpp"
#include "hvstep/svm/exit_code.hpp"
#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/vmx/controls.hpp"
#include "hvstep/vmx/exit_qualification.hpp"
#include "hvstep/vmx/exit_reason.hpp"
#include "hvstep/vmx/interruption_info.hpp"
#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/dr6.hpp"
#include "hvstep/x86/dr7.hpp"
#include "hvstep/x86/exception.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_bench {
namespace baseline {

namespace vbox_detail {
inline constexpr std::uint32_t db_bit = 1U << static_cast<unsigned>(hvstep::x86::vector::db);
inline constexpr std::uint64_t tf = hvstep::x86::rflags::tf.mask;
inline constexpr std::uint32_t db_hardware_exception =
    hvstep::vmx::make_interruption_info(static_cast<std::uint8_t>(hvstep::x86::vector::db),
                                        hvstep::vmx::interruption_type::hardware_exception, false);
}  // namespace vbox_detail

template <class Vmcs>
class vbox_style_vmx {
    using f = hvstep::vmx::vmcs_field;
    static constexpr std::uint64_t mtf_bit = hvstep::vmx::primary_processor_controls::monitor_trap_flag.mask;

    enum : unsigned { have_rip = 1U, have_cs = 2U, have_rflags = 4U, have_dr7 = 8U };

public:
    vbox_style_vmx(bool mtf_allowed, std::uint64_t primary_controls, std::uint32_t exceptions) noexcept
        : mtf_allowed_(mtf_allowed),
          proc_ctls_(primary_controls),
          xcpt_bitmap_(exceptions),
          hypervisor_exceptions_(exceptions) {}

    void arm(Vmcs& v) noexcept {
        single_ = true;
        rip_start_ = rip(v);
        cs_start_ = cs(v);
    }
    void disarm(Vmcs&) noexcept { single_ = false; }

    outcome on_exit(Vmcs& v, std::uint32_t reason) noexcept {
        imported_ = 0;  // a new exit: every register is in the VMCS again
        outcome o{};
        o.hypervisor_handles = true;
        if (!single_) return o;
        const auto basic = hvstep::vmx::basic_reason(reason);
        if (basic == hvstep::vmx::exit_reason::monitor_trap_flag) {
            proc_ctls_ &= ~mtf_bit;
            v.write(f::primary_processor_controls, proc_ctls_);
            return end_step(v);
        }
        if (basic == hvstep::vmx::exit_reason::exception_or_nmi) {
            const auto info = static_cast<std::uint32_t>(v.read(f::vm_exit_interruption_info));
            if (hvstep::vmx::interruption_vector(info) ==
                static_cast<std::uint8_t>(hvstep::x86::vector::db)) {
                const std::uint64_t qual = v.read(f::exit_qualification);
                if ((qual & hvstep::vmx::debug_qualification::bs.mask) != 0) return end_step(v);
                reflect_db(v, qual);
                o.hypervisor_handles = false;
            }
        }
        return step_loop_check(v, o);
    }

    outcome after_emulation(Vmcs& v) noexcept {
        outcome o{};
        const std::uint64_t flags = rflags(v);
        if (!clear_tf_ && (flags & vbox_detail::tf) != 0) {  // the guest's own TF: its #DB
            v.write_dr6(v.read_dr6() | hvstep::x86::dr6::bs.mask);
            v.write(f::vm_entry_interruption_info, vbox_detail::db_hardware_exception);
        }
        return step_loop_check(v, o);
    }

    void before_entry(Vmcs& v) noexcept {
        if (single_) {
            if (mtf_allowed_) {
                if ((proc_ctls_ & mtf_bit) == 0) {
                    proc_ctls_ |= mtf_bit;
                    v.write(f::primary_processor_controls, proc_ctls_);
                }
            } else {
                const std::uint64_t flags = rflags(v);
                if ((flags & vbox_detail::tf) == 0) {
                    ctx_rflags_ = flags | vbox_detail::tf;
                    rflags_dirty_ = true;
                }
                clear_tf_ = true;
                set_exceptions(v, xcpt_bitmap_ | vbox_detail::db_bit);
            }
        } else if (!mtf_allowed_) {
            set_exceptions(v, hypervisor_exceptions_);
        }
        if (rflags_dirty_) {
            v.write(f::guest_rflags, ctx_rflags_);
            rflags_dirty_ = false;
        }
    }

private:
    std::uint64_t rip(Vmcs& v) noexcept { return import(v, have_rip, f::guest_rip, ctx_rip_); }
    std::uint64_t cs(Vmcs& v) noexcept { return import(v, have_cs, f::guest_cs_selector, ctx_cs_); }
    std::uint64_t rflags(Vmcs& v) noexcept { return import(v, have_rflags, f::guest_rflags, ctx_rflags_); }
    std::uint64_t dr7(Vmcs& v) noexcept { return import(v, have_dr7, f::guest_dr7, ctx_dr7_); }

    std::uint64_t import(Vmcs& v, unsigned bit, hvstep::vmx::vmcs_field field, std::uint64_t& slot) noexcept {
        if ((imported_ & bit) == 0) {
            slot = v.read(field);
            imported_ |= bit;
        }
        return slot;
    }

    void set_exceptions(Vmcs& v, std::uint32_t bitmap) noexcept {
        if (bitmap != xcpt_bitmap_) {
            xcpt_bitmap_ = bitmap;
            v.write(f::exception_bitmap, bitmap);
        }
    }

    // The guest's #DB: DR6 updated, DR7.GD cleared, the event re-injected.
    void reflect_db(Vmcs& v, std::uint64_t qual) noexcept {
        namespace d = hvstep::x86::dr6;
        v.write_dr6((v.read_dr6() & ~d::breakpoint_hits.mask) | (qual & d::cause_bits));
        ctx_dr7_ = dr7(v) & ~hvstep::x86::dr7::gd.mask;
        v.write(f::guest_dr7, ctx_dr7_);
        const std::uint64_t length = v.read(f::vm_exit_instruction_length);
        v.write(f::vm_entry_interruption_info, vbox_detail::db_hardware_exception);
        v.write(f::vm_entry_instruction_length, length);
    }

    outcome end_step(Vmcs& v) noexcept {
        outcome o{};
        o.stepped = true;
        o.rip = rip(v);
        if (clear_tf_) {  // unconditionally: the guest's own TF goes too
            ctx_rflags_ = rflags(v) & ~vbox_detail::tf;
            rflags_dirty_ = true;
            clear_tf_ = false;
        }
        rip_start_ = o.rip;
        return o;
    }

    outcome step_loop_check(Vmcs& v, outcome o) noexcept {
        const std::uint64_t now_rip = rip(v);
        const std::uint64_t now_cs = cs(v);
        if (now_rip == rip_start_ && now_cs == cs_start_) return o;
        outcome stepped = end_step(v);
        stepped.hypervisor_handles = o.hypervisor_handles;
        cs_start_ = now_cs;
        return stepped;
    }

    bool mtf_allowed_;
    std::uint64_t proc_ctls_;
    std::uint32_t xcpt_bitmap_;
    std::uint32_t hypervisor_exceptions_;
    bool single_ = false;
    bool clear_tf_ = false;
    bool rflags_dirty_ = false;
    unsigned imported_ = 0;
    std::uint64_t ctx_rip_ = 0;
    std::uint64_t ctx_cs_ = 0;
    std::uint64_t ctx_rflags_ = 0;
    std::uint64_t ctx_dr7_ = 0;
    std::uint64_t rip_start_ = 0;
    std::uint64_t cs_start_ = 0;
};

class vbox_style_svm {
public:
    using vmcb = hvstep::svm::vmcb_layout;

    void arm(vmcb& l) noexcept {
        single_ = true;
        rip_start_ = l.save.rip;
        cs_start_ = l.save.cs.selector;
    }
    void disarm(vmcb&) noexcept { single_ = false; }

    outcome on_exit(vmcb& l, std::uint32_t = 0) noexcept {
        outcome o{};
        o.hypervisor_handles = true;
        const std::uint64_t code = l.control.exit_code;
        if (!single_) return o;
        if (code == hvstep::svm::raw(hvstep::svm::exit_code::excp_db)) {
            const std::uint64_t conditions = hvstep::x86::dr6::to_conditions(l.save.dr6);
            l.save.dr6 = hvstep::x86::dr6::init_value;  // reset after every #DB intercept
            mark_dirty(l, clean_mask(hvstep::svm::clean::drx));
            if ((conditions & hvstep::x86::dr6::bs.mask) != 0) return end_step(l);
            // The guest's: its DR6 (kept in software) updated, #DB reflected.
            guest_dr6_ = (guest_dr6_ & ~hvstep::x86::dr6::breakpoint_hits.mask) |
                         (conditions & hvstep::x86::dr6::cause_bits);
            l.control.event_injection = hvstep::svm::make_event_injection(
                static_cast<std::uint8_t>(hvstep::x86::vector::db), hvstep::svm::event_type::exception);
            o.hypervisor_handles = false;
        }
        return step_loop_check(l, o);
    }

    outcome after_emulation(vmcb& l) noexcept {
        outcome o{};
        if (!clear_tf_ && (l.save.rflags & vbox_detail::tf) != 0) {
            guest_dr6_ |= hvstep::x86::dr6::bs.mask;
            l.control.event_injection = hvstep::svm::make_event_injection(
                static_cast<std::uint8_t>(hvstep::x86::vector::db), hvstep::svm::event_type::exception);
        }
        return step_loop_check(l, o);
    }

    void before_entry(vmcb& l) noexcept {
        if (single_) {
            const std::uint64_t flags = ctx_rflags_valid_ ? ctx_rflags_ : l.save.rflags;
            if ((flags & vbox_detail::tf) == 0) {
                ctx_rflags_ = flags | vbox_detail::tf;
                rflags_dirty_ = true;
            }
            clear_tf_ = true;
            if ((l.control.intercept_exceptions & vbox_detail::db_bit) == 0) {
                l.control.intercept_exceptions |= vbox_detail::db_bit;
                mark_dirty(l, clean_mask(hvstep::svm::clean::intercepts));
            }
        } else if ((l.control.intercept_exceptions & vbox_detail::db_bit) != 0) {
            l.control.intercept_exceptions &= ~vbox_detail::db_bit;
            mark_dirty(l, clean_mask(hvstep::svm::clean::intercepts));
        }
        if (rflags_dirty_) {
            l.save.rflags = ctx_rflags_;
            rflags_dirty_ = false;
        }
        ctx_rflags_valid_ = false;
    }

private:
    outcome end_step(vmcb& l) noexcept {
        outcome o{};
        o.stepped = true;
        o.rip = l.save.rip;
        if (clear_tf_) {
            ctx_rflags_ = l.save.rflags & ~vbox_detail::tf;
            ctx_rflags_valid_ = true;
            rflags_dirty_ = true;
            clear_tf_ = false;
        }
        rip_start_ = o.rip;
        cs_start_ = l.save.cs.selector;
        return o;
    }

    outcome step_loop_check(vmcb& l, outcome o) noexcept {
        if (l.save.rip == rip_start_ && l.save.cs.selector == cs_start_) return o;
        outcome stepped = end_step(l);
        stepped.hypervisor_handles = o.hypervisor_handles;
        return stepped;
    }

    bool single_ = false;
    bool clear_tf_ = false;
    bool rflags_dirty_ = false;
    bool ctx_rflags_valid_ = false;
    std::uint64_t ctx_rflags_ = 0;
    std::uint64_t rip_start_ = 0;
    std::uint64_t cs_start_ = 0;
    std::uint64_t guest_dr6_ = hvstep::x86::dr6::init_value;
};

}  // namespace baseline
}  // namespace hvstep_bench
