#pragma once
// A simulated Intel VMX processor: a VMCS (a map from vmx::vmcs_field to value),
// VM entry with the checks a stepper can trip (SDM Vol. 3C §27.3.1.5 on
// interruptibility, activity and pending debug exceptions; §27.2.1.3 on event
// injection), event injection (§27.6), MTF (§26.5.2: after one instruction, one
// REP iteration, or the delivery of an event, with priority over pending debug
// traps, which are saved in the pending-debug-exceptions field), and the exit
// information of §28.2.1. A failed entry is exit reason 33 with bit 31 set.

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "hvstep/sim/cpu.hpp"
#include "hvstep/sim/svm_machine.hpp"
#include "hvstep/vmx/vmcs_field.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

class vmx_machine {
public:
    using field = vmx::vmcs_field;
    std::map<field, std::uint64_t> vmcs;
    std::array<std::uint64_t, 16> gpr{};  // the hypervisor's save area (VMX keeps only RSP and RIP)
    cpu& c;
    std::uint64_t budget = 1u << 20;
    std::string entry_failure;  // why the last entry failed

    explicit vmx_machine(cpu& core) : c(core) {
        c.vend = vendor::intel;
        c.native_async = false;
        c.int1_exits_via_db_bitmap = true;
        store_guest();
        gpr = c.s.gpr;
        vmcs[field::guest_sysenter_cs] = c.s.sysenter_cs;
    }

    std::uint64_t get(field f) const {
        auto it = vmcs.find(f);
        return it == vmcs.end() ? 0 : it->second;
    }

    run_result vmresume() {
        run_result rr{};
        if (!check_entry()) {
            vmcs[field::exit_reason] = 33u | 0x80000000u;
            rr.status = run_status::entry_failed;
            rr.error = "VM entry failed (exit reason 33): " + entry_failure;
            return rr;
        }
        load_guest();
        const auto info = static_cast<std::uint32_t>(get(field::vm_entry_interruption_info));
        vmcs[field::vm_entry_interruption_info] = info & 0x7FFFFFFFu;  // consumed by this entry
        bool delivered = false;
        if (info >> 31) {
            const unsigned type = (info >> 8) & 7u;
            if (type == 7) {
                mtf_now_ = true;  // pending MTF VM exit injection (§27.6.2)
            } else {
                event e{};
                e.vector = static_cast<std::uint8_t>(info & 0xFF);
                e.type = static_cast<event_type>(type);
                e.has_error = (info >> 11) & 1u;
                e.error = static_cast<std::uint32_t>(get(field::vm_entry_exception_error_code));
                e.fault = type == 3 && svm_machine::is_fault_vector(e.vector);
                e.return_rip = c.s.rip + (type >= 4 ? get(field::vm_entry_instruction_length) : 0);
                std::string err;
                if (!c.deliver_injected(e, err)) {
                    rr.status = run_status::error;
                    rr.error = err;
                    return rr;
                }
                c.s.pending_db = 0;  // a vectoring entry leaves no pending debug exception (§27.7.3)
                delivered = true;
            }
        }
        step_result r{};
        if ((delivered && c.icpt.mtf) || mtf_now_ || (c.s.halted && c.icpt.mtf)) {
            mtf_now_ = false;
            r.what = outcome::exit;
            r.exit.kind = exit_kind::mtf;
            r.exit.rip = c.s.rip;
            write_exit(r);
            rr.last = r;
            return rr;
        }
        for (std::uint64_t n = 0; n < budget; ++n) {
            r = c.step();
            rr.last = r;
            switch (r.what) {
                case outcome::boundary: continue;
                case outcome::exit: write_exit(r); rr.status = run_status::exited; return rr;
                case outcome::ended: store_guest(); rr.status = run_status::ended; return rr;
                case outcome::halted: store_guest(); rr.status = run_status::halted; return rr;
                case outcome::error: store_guest(); rr.status = run_status::error; rr.error = r.error; return rr;
            }
        }
        rr.status = run_status::error;
        rr.error = "guest ran the whole budget without an exit";
        return rr;
    }

    // Guest MSRs: in the VMCS where it has a field, else in the processor (the hypervisor switches those).
    std::uint64_t read_msr(std::uint32_t id, bool& ok) {
        ok = true;
        switch (id) {
            case msr::sysenter_cs: return get(field::guest_sysenter_cs);
            case msr::sysenter_esp: return get(field::guest_sysenter_esp);
            case msr::sysenter_eip: return get(field::guest_sysenter_eip);
            case msr::debugctl: return get(field::guest_debugctl);
            case msr::efer: return c.s.efer;
            case msr::star: return c.s.star;
            case msr::lstar: return c.s.lstar;
            case msr::cstar: return c.s.cstar;
            case msr::sfmask: return c.s.sfmask;
            default: ok = false; return 0;
        }
    }
    bool write_msr(std::uint32_t id, std::uint64_t v) {
        switch (id) {
            case msr::sysenter_cs: vmcs[field::guest_sysenter_cs] = v; return true;
            case msr::sysenter_esp: vmcs[field::guest_sysenter_esp] = v; return true;
            case msr::sysenter_eip: vmcs[field::guest_sysenter_eip] = v; return true;
            case msr::debugctl: vmcs[field::guest_debugctl] = v & 3u; return true;
            case msr::efer: return v == c.s.efer;
            case msr::star: c.s.star = v; return true;
            case msr::lstar: c.s.lstar = v; return true;
            case msr::cstar: c.s.cstar = v; return true;
            case msr::sfmask: c.s.sfmask = v; return true;
            default: return false;
        }
    }

    // The guest state the VMCS holds, put back into the processor (for the final snapshot).
    void sync_to_cpu() {
        const std::uint64_t pend = get(field::guest_pending_debug_exceptions);
        load_guest();
        c.s.pending_db = (pend & 0xF) | (pend & dr::bs);
    }

private:
    bool mtf_now_ = false;

    bool refuse(const std::string& why) {
        entry_failure = why;
        return false;
    }

    bool check_entry() {
        const std::uint64_t rfl = get(field::guest_rflags), intr = get(field::guest_interruptibility_state),
                            act = get(field::guest_activity_state), pend = get(field::guest_pending_debug_exceptions),
                            dbg = get(field::guest_debugctl);
        const auto info = static_cast<std::uint32_t>(get(field::vm_entry_interruption_info));
        // §27.3.1.4 RFLAGS: bit 1 set; 3, 5, 15, 63:22 clear.
        if (!(rfl & 2u) || (rfl & 0xFFFFFFFFFFC08028ull)) return refuse("RFLAGS reserved bits");
        // §27.3.1.5 interruptibility and activity.
        if (intr & ~std::uint64_t{0x1F}) return refuse("interruptibility reserved bits");
        const bool sti = intr & 1u, movss = (intr >> 1) & 1u;
        if (sti && movss) return refuse("blocking by STI and by MOV SS together");
        if (sti && !(rfl & fl::if_)) return refuse("blocking by STI with RFLAGS.IF=0");
        if (act > 1) return refuse("activity state other than active/HLT");
        if (act == 1 && (c.s.ss & 3u) != 0) return refuse("HLT activity with SS.DPL != 0");
        if (pend & ~std::uint64_t{0x1500F}) return refuse("pending debug exceptions reserved bits");
        const bool tf = rfl & fl::tf, btf = dbg & debugctl::btf, bs = (pend >> 14) & 1u;
        if (sti || movss || act == 1) {
            // The XSA-308 check.
            if (tf && !btf && !bs) return refuse("STI/MOV-SS blocking or HLT with TF=1, BTF=0 needs pending BS=1");
            if ((!tf || btf) && bs) return refuse("STI/MOV-SS blocking or HLT with TF=0 or BTF=1 needs pending BS=0");
        }
        if (info >> 31) {
            // §27.2.1.3 event injection.
            const unsigned type = (info >> 8) & 7u, v = info & 0xFFu;
            const bool ev = (info >> 11) & 1u;
            if (info & 0x7FFFF000u) return refuse("entry interruption info reserved bits");
            if (type == 1) return refuse("interruption type 1 (reserved)");
            if (type == 2 && v != 2) return refuse("NMI injection with a vector other than 2");
            if (type == 3 && v > 31) return refuse("hardware exception vector > 31");
            if (type == 7 && v != 0) return refuse("other event with a vector other than 0");
            if (ev != (type == 3 && pushes_error_code(static_cast<std::uint8_t>(v)))) return refuse("deliver-error-code does not match the vector");
            if (type >= 4 && type <= 6 && get(field::vm_entry_instruction_length) == 0) return refuse("software event with instruction length 0");
            if (type == 0 && (sti || movss || !(rfl & fl::if_))) return refuse("external interrupt injected while blocked");
            if (type == 2 && movss) return refuse("NMI injected under MOV-SS blocking");
            if (act == 1 && !(type == 0 || type == 2 || (type == 3 && (v == 1 || v == 18)) || type == 7)) return refuse("event not injectable in HLT");
        }
        return true;
    }

    void load_guest() {
        auto& s = c.s;
        s.gpr = gpr;
        s.gpr[rsp] = get(field::guest_rsp);
        s.rip = get(field::guest_rip);
        s.rflags = get(field::guest_rflags);
        s.dr7 = get(field::guest_dr7);
        s.debugctl = get(field::guest_debugctl);
        s.sysenter_cs = get(field::guest_sysenter_cs);
        s.sysenter_esp = get(field::guest_sysenter_esp);
        s.sysenter_eip = get(field::guest_sysenter_eip);
        s.cs = static_cast<std::uint16_t>(get(field::guest_cs_selector));
        s.ss = static_cast<std::uint16_t>(get(field::guest_ss_selector));
        s.idt_base = get(field::guest_idtr_base);
        s.idt_limit = static_cast<std::uint16_t>(get(field::guest_idtr_limit));
        const std::uint64_t intr = get(field::guest_interruptibility_state);
        s.sti_shadow = intr & 1u;
        s.mov_ss_shadow = (intr >> 1) & 1u;
        s.nmi_blocked = (intr >> 3) & 1u;
        s.halted = get(field::guest_activity_state) == 1;
        const std::uint64_t pend = get(field::guest_pending_debug_exceptions);
        s.pending_db = (pend & 0xF) | (pend & (std::uint64_t{1} << 14));
        const std::uint64_t proc = get(field::primary_processor_controls);
        intercept_config k{};
        k.exceptions = static_cast<std::uint32_t>(get(field::exception_bitmap));
        k.cpuid = true;                       // CPUID always exits (§26.1.2)
        k.interrupt_window = (proc >> 2) & 1u;
        k.hlt = (proc >> 7) & 1u;
        k.nmi_window = (proc >> 22) & 1u;
        if ((proc >> 23) & 1u) k.dr_read = k.dr_write = 0xFF;
        k.io = (proc >> 24) & 1u;             // unconditional I/O exiting
        k.msr = !((proc >> 28) & 1u);         // without MSR bitmaps every RDMSR/WRMSR exits
        k.mtf = (proc >> 27) & 1u;
        k.db_exit_updates_dr6 = false;
        c.icpt = k;
    }

    void store_guest() {
        const auto& s = c.s;
        gpr = s.gpr;
        vmcs[field::guest_rsp] = s.gpr[rsp];
        vmcs[field::guest_rip] = s.rip;
        vmcs[field::guest_rflags] = s.rflags;
        vmcs[field::guest_dr7] = s.dr7;
        vmcs[field::guest_debugctl] = s.debugctl;
        vmcs[field::guest_sysenter_cs] = s.sysenter_cs;
        vmcs[field::guest_sysenter_esp] = s.sysenter_esp;
        vmcs[field::guest_sysenter_eip] = s.sysenter_eip;
        vmcs[field::guest_cs_selector] = s.cs;
        vmcs[field::guest_ss_selector] = s.ss;
        vmcs[field::guest_cs_access_rights] = 0xA09Bu | ((s.cs & 3u) << 5);
        vmcs[field::guest_ss_access_rights] = 0xC093u | ((s.ss & 3u) << 5);
        vmcs[field::guest_idtr_base] = s.idt_base;
        vmcs[field::guest_idtr_limit] = s.idt_limit;
        vmcs[field::guest_interruptibility_state] = (s.sti_shadow ? 1u : 0u) | (s.mov_ss_shadow ? 2u : 0u) | (s.nmi_blocked ? 8u : 0u);
        vmcs[field::guest_activity_state] = s.halted ? 1u : 0u;
        // Pending debug traps not yet delivered (e.g. held by MTF's priority) go to the field (§28.3.4).
        std::uint64_t pend = (s.pending_db & 0xF) | (s.pending_db & dr::bs);
        if (s.pending_db & 0xF) pend |= std::uint64_t{1} << 12;
        vmcs[field::guest_pending_debug_exceptions] = pend;
        c.s.pending_db = 0;
    }

    void write_exit(const step_result& r) {
        store_guest();
        const exit_info& x = r.exit;
        std::uint64_t reason = 0, qual = 0, len = 0, info = 0, err = 0;
        switch (x.kind) {
            case exit_kind::exception: {
                const event& e = x.ev;
                reason = 0;
                info = e.vector | (std::uint64_t{static_cast<std::uint8_t>(e.type)} << 8) | (e.has_error ? 0x800u : 0u) | 0x80000000u;
                err = e.error;
                if (e.vector == vec::db && e.type == event_type::hardware_exception) qual = e.db_conditions & 0x1E00F;
                if (e.vector == vec::pf) qual = e.cr2;  // CR2 is not written (§28.1)
                if (e.type == event_type::software_exception || e.type == event_type::privileged_software) len = x.i.length;
                break;
            }
            case exit_kind::instruction: {
                const insn& i = x.i;
                len = i.length;
                switch (i.code) {
                    case op::cpuid: reason = 10; break;
                    case op::hlt: reason = 12; break;
                    case op::rdmsr: reason = 31; break;
                    case op::wrmsr: reason = 32; break;
                    case op::mov_to_dr:
                    case op::mov_from_dr:
                        reason = 29;
                        qual = i.dreg | (i.code == op::mov_from_dr ? 0x10u : 0u) | (std::uint64_t{i.dst.reg} << 8);
                        break;
                    case op::in:
                    case op::out: {
                        reason = 30;
                        const std::uint64_t p = i.port_in_dx ? (c.s.gpr[rdx] & 0xFFFF) : i.port;
                        qual = (i.size - 1u) | (i.code == op::in ? 8u : 0u) | (i.port_in_dx ? 0u : 0x40u) | (p << 16);
                        break;
                    }
                    default: reason = 0xFFFF; break;
                }
                break;
            }
            case exit_kind::mtf: reason = 37; break;
            case exit_kind::interrupt_window: reason = 7; break;
            case exit_kind::nmi_window: reason = 8; break;
            default: reason = 0xFFFF; break;
        }
        vmcs[field::exit_reason] = reason;
        vmcs[field::exit_qualification] = qual;
        vmcs[field::vm_exit_instruction_length] = len;
        vmcs[field::vm_exit_interruption_info] = info;
        vmcs[field::vm_exit_interruption_error_code] = err;
        vmcs[field::idt_vectoring_info] = 0;
    }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
