#pragma once
// A simulated AMD SVM processor: VMRUN loads the guest from a real
// svm::vmcb_layout (so svm::tf_stepper<svm::vmcb_page> runs unchanged against
// it), injects EVENTINJ, runs the guest under the VMCB's intercepts and writes
// the guest state and EXITCODE/EXITINFO back on #VMEXIT.
// APM Vol. 2 §15.5 (VMRUN), §15.7 (exit state, nRIP), §15.9-15.13 (intercepts),
// §15.12.2 (#DB: DR6/DR7 updated before the intercept), §15.20 (EVENTINJ),
// §15.21.5 (interrupt shadow), §15.23.1 (DBGCTL only with LBR virtualization).

#include <array>
#include <cstdint>
#include <string>

#include "hvstep/sim/cpu.hpp"
#include "hvstep/svm/vmcb_layout.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

enum class run_status : std::uint8_t { exited, ended, halted, error, entry_failed };

struct run_result {
    run_status status = run_status::exited;
    std::string error;
    step_result last{};
};

class svm_machine {
public:
    svm::vmcb_layout vmcb{};
    std::array<std::uint64_t, 16> gpr{};  // the hypervisor's save area for GPRs other than RAX/RSP
    cpu& c;

    explicit svm_machine(cpu& core) : c(core) {
        c.vend = vendor::amd;
        c.native_async = false;
        c.int1_exits_via_db_bitmap = false;
        store_guest();
        gpr = c.s.gpr;
    }

    // Max boundaries per VMRUN before giving up (a guest that never exits).
    std::uint64_t budget = 1u << 20;

    run_result vmrun() {
        run_result rr{};
        load_guest();
        vmcb.control.exit_int_info = 0;
        const std::uint64_t inj = vmcb.control.event_injection;
        vmcb.control.event_injection = 0;
        if (inj >> 31 & 1u) {
            event e{};
            e.vector = static_cast<std::uint8_t>(inj & 0xFF);
            const unsigned type = static_cast<unsigned>((inj >> 8) & 7u);
            const bool reserved = ((inj >> 12) & 0x7FFFF) != 0;
            if (reserved || (type != 0 && type != 2 && type != 3 && type != 4) || (type == 3 && (e.vector >= 32 || e.vector == 2))) {
                vmcb.control.exit_code = ~std::uint64_t{0};  // VMEXIT_INVALID
                rr.status = run_status::entry_failed;
                rr.error = "VMRUN: malformed EVENTINJ";
                return rr;
            }
            e.type = type == 0 ? event_type::external : type == 2 ? event_type::nmi : type == 4 ? event_type::software_interrupt
                                                                                     : event_type::hardware_exception;
            if (type == 2) e.vector = vec::nmi;
            // Type 3 with vector 3 or 4 is delivered like INT3/INTO (APM §15.20).
            if (type == 3 && (e.vector == 3 || e.vector == 4)) e.type = event_type::software_exception;
            e.has_error = (inj >> 11) & 1u;
            e.error = static_cast<std::uint32_t>(inj >> 32);
            e.fault = type == 3 && is_fault_vector(e.vector);
            e.return_rip = c.s.rip;
            // With NRIP save, an injected INTn or INT3/INTO returns to VMCB.nRIP: the processor
            // does not advance RIP itself (APM §15.20, §15.7.1; KVM's svm_update_soft_interrupt_rip).
            if (e.type == event_type::software_interrupt || e.type == event_type::software_exception)
                e.return_rip = vmcb.control.next_rip;
            std::string err;
            if (!c.deliver_injected(e, err)) return fail(rr, err);
            c.s.pending_db = 0;
        }
        for (std::uint64_t n = 0; n < budget; ++n) {
            step_result r = c.step();
            rr.last = r;
            switch (r.what) {
                case outcome::boundary: continue;
                case outcome::exit: write_exit(r); rr.status = run_status::exited; return rr;
                case outcome::ended: store_guest(); rr.status = run_status::ended; return rr;
                case outcome::halted: store_guest(); rr.status = run_status::halted; return rr;
                case outcome::error: store_guest(); rr.status = run_status::error; rr.error = r.error; return rr;
            }
        }
        return fail(rr, "guest ran the whole budget without an exit");
    }

    // The guest's MSRs as the VMCB holds them (for the hypervisor's RDMSR/WRMSR emulation).
    std::uint64_t* msr_slot(std::uint32_t id) {
        auto& sv = vmcb.save;
        switch (id) {
            case msr::sysenter_cs: return &sv.sysenter_cs;
            case msr::sysenter_esp: return &sv.sysenter_esp;
            case msr::sysenter_eip: return &sv.sysenter_eip;
            case msr::debugctl: return &sv.dbgctl;
            case msr::efer: return &sv.efer;
            case msr::star: return &sv.star;
            case msr::lstar: return &sv.lstar;
            case msr::cstar: return &sv.cstar;
            case msr::sfmask: return &sv.sfmask;
            default: return nullptr;
        }
    }

    static bool is_fault_vector(std::uint8_t v) {
        return v == 0 || v == 5 || v == 6 || v == 7 || (v >= 10 && v <= 14) || v == 16 || v == 17 || v == 19;
    }

    // The guest state the VMCB holds, put back into the processor (for the final snapshot).
    void sync_to_cpu() { load_guest(); }

private:
    run_result fail(run_result& rr, const std::string& e) {
        rr.status = run_status::error;
        rr.error = e;
        return rr;
    }

    void load_guest() {
        auto& sv = vmcb.save;
        auto& s = c.s;
        s.gpr = gpr;
        s.gpr[rax] = sv.rax;
        s.gpr[rsp] = sv.rsp;
        s.rip = sv.rip;
        s.rflags = sv.rflags;
        s.dr6 = sv.dr6;
        s.dr7 = sv.dr7;
        s.cr2 = sv.cr2;
        s.cs = sv.cs.selector;
        s.ss = sv.ss.selector;
        s.idt_base = sv.idtr.base;
        s.idt_limit = static_cast<std::uint16_t>(sv.idtr.limit);
        s.efer = sv.efer;
        s.star = sv.star;
        s.lstar = sv.lstar;
        s.cstar = sv.cstar;
        s.sfmask = sv.sfmask;
        s.sysenter_cs = sv.sysenter_cs;
        s.sysenter_esp = sv.sysenter_esp;
        s.sysenter_eip = sv.sysenter_eip;
        // Without LBR virtualization the guest runs with the host's DebugCtl, 0 here (§15.23.1).
        s.debugctl = (vmcb.control.lbr_virtualization_enable & 1u) ? sv.dbgctl : 0;
        if (!(vmcb.control.interrupt_shadow & 1u)) s.sti_shadow = s.mov_ss_shadow = false;
        const auto& ct = vmcb.control;
        intercept_config k{};
        k.exceptions = ct.intercept_exceptions;
        k.pushf = (ct.intercept_misc1 >> 16) & 1u;
        k.popf = (ct.intercept_misc1 >> 17) & 1u;
        k.cpuid = (ct.intercept_misc1 >> 18) & 1u;
        k.iret = (ct.intercept_misc1 >> 20) & 1u;
        k.intn = (ct.intercept_misc1 >> 21) & 1u;
        k.hlt = (ct.intercept_misc1 >> 24) & 1u;
        k.io = (ct.intercept_misc1 >> 27) & 1u;   // IOPM taken as all ones
        k.msr = (ct.intercept_misc1 >> 28) & 1u;  // MSRPM taken as all ones
        k.icebp = (ct.intercept_misc2 >> 8) & 1u;
        k.dr_read = static_cast<std::uint8_t>(ct.intercept_dr & 0xFF);
        k.dr_write = static_cast<std::uint8_t>((ct.intercept_dr >> 16) & 0xFF);
        k.interrupt_window = ((ct.intercept_misc1 >> 4) & 1u) && ((ct.virtual_interrupt >> 8) & 1u);
        k.db_exit_updates_dr6 = true;
        c.icpt = k;
    }

    void store_guest() {
        auto& sv = vmcb.save;
        const auto& s = c.s;
        gpr = s.gpr;
        sv.rax = s.gpr[rax];
        sv.rsp = s.gpr[rsp];
        sv.rip = s.rip;
        sv.rflags = s.rflags;
        sv.dr6 = s.dr6;
        sv.dr7 = s.dr7;
        sv.cr2 = s.cr2;
        sv.cs.selector = s.cs;
        sv.ss.selector = s.ss;
        sv.cpl = static_cast<std::uint8_t>(s.cpl());
        sv.idtr.base = s.idt_base;
        sv.idtr.limit = s.idt_limit;
        sv.efer = s.efer;
        sv.star = s.star;
        sv.lstar = s.lstar;
        sv.cstar = s.cstar;
        sv.sfmask = s.sfmask;
        sv.sysenter_cs = s.sysenter_cs;
        sv.sysenter_esp = s.sysenter_esp;
        sv.sysenter_eip = s.sysenter_eip;
        if (vmcb.control.lbr_virtualization_enable & 1u) sv.dbgctl = s.debugctl;
        vmcb.control.interrupt_shadow = (s.sti_shadow || s.mov_ss_shadow) ? 1u : 0u;
    }

    void write_exit(const step_result& r) {
        store_guest();
        auto& ct = vmcb.control;
        ct.exit_info1 = ct.exit_info2 = 0;
        ct.next_rip = 0;
        const exit_info& x = r.exit;
        switch (x.kind) {
            case exit_kind::exception:
                ct.exit_code = 0x40u + x.ev.vector;
                ct.exit_info1 = x.ev.has_error ? x.ev.error : 0;
                if (x.ev.vector == vec::pf) ct.exit_info2 = x.ev.cr2;  // CR2 itself is not written (§15.12.15)
                if (x.ev.type == event_type::software_exception) ct.next_rip = x.next_rip;  // INT3/INTO (§15.7.1)
                break;
            case exit_kind::instruction: {
                ct.next_rip = x.next_rip;
                const insn& i = x.i;
                switch (i.code) {
                    case op::cpuid: ct.exit_code = 0x72; break;
                    case op::hlt: ct.exit_code = 0x78; break;
                    case op::pushf: ct.exit_code = 0x70; break;
                    case op::popf: ct.exit_code = 0x71; break;
                    case op::iret: ct.exit_code = 0x74; break;
                    case op::int_n: ct.exit_code = 0x75; ct.exit_info1 = i.vector; break;
                    case op::int1: ct.exit_code = 0x88; break;
                    case op::rdmsr: ct.exit_code = 0x7C; ct.exit_info1 = 0; break;
                    case op::wrmsr: ct.exit_code = 0x7C; ct.exit_info1 = 1; break;
                    case op::in:
                    case op::out: {
                        // EXITINFO1 (§15.10.2): port 31:16, SZ32/16/8 bits 6:4, TYPE bit 0 (1 = IN).
                        const std::uint64_t p = i.port_in_dx ? (c.s.gpr[rdx] & 0xFFFF) : i.port;
                        ct.exit_code = 0x7B;
                        ct.exit_info1 = (p << 16) | (i.size == 4 ? 0x40u : i.size == 2 ? 0x20u : 0x10u) | (i.code == op::in ? 1u : 0u);
                        ct.exit_info2 = x.next_rip;
                        break;
                    }
                    case op::mov_from_dr:
                    case op::mov_to_dr:
                        // Decode assists (§15.33.1): EXITINFO1 bit 63 valid, 3:0 the GPR.
                        ct.exit_code = (i.code == op::mov_from_dr ? 0x20u : 0x30u) + i.dreg;
                        ct.exit_info1 = (std::uint64_t{1} << 63) | i.dst.reg;
                        break;
                    default: ct.exit_code = ~std::uint64_t{0}; break;
                }
                break;
            }
            case exit_kind::interrupt_window: ct.exit_code = 0x64; break;  // VINTR
            default: ct.exit_code = ~std::uint64_t{0}; break;
        }
    }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
