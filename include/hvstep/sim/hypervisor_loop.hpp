#pragma once
// The exit loop of the simulated hypervisor (see hypervisor.hpp). The emulation of the
// instructions it intercepts is in emulation.hpp.

#include <cstdint>
#include <string>
#include <vector>

namespace hvstep {
inline namespace v0 {
namespace sim {

template <policy P>
class sim_hypervisor {
    static constexpr bool is_svm = P == policy::svm_tf;
    using machine_t = std::conditional_t<is_svm, svm_machine, vmx_machine>;

    struct vmcs_view {
        vmx_machine* m;
        std::uint64_t read(vmx::vmcs_field f) noexcept { return m->get(f); }
        void write(vmx::vmcs_field f, std::uint64_t v) noexcept { m->vmcs[f] = v; }
        std::uint64_t read_dr6() noexcept { return m->c.s.dr6; }
        void write_dr6(std::uint64_t v) noexcept { m->c.s.dr6 = v; }
        void write_cr2(std::uint64_t v) noexcept { m->c.s.cr2 = v; }
    };
    using stepper_t = std::conditional_t<
        P == policy::svm_tf, svm::tf_stepper<svm::vmcb_page>,
        std::conditional_t<P == policy::vmx_mtf, vmx::mtf_stepper<vmcs_view>, vmx::tf_stepper<vmcs_view>>>;

public:
    guest_memory mem{abi::ram_size};
    platform plat;
    cpu core{mem, plat};
    machine_t m{core};
    stepper_t stepper{};
    run_output out;

    std::string setup(const std::vector<std::uint8_t>& program, const run_config& cfg) {
        cfg_ = cfg;
        const std::string e = abi::load(mem, core.s, program);
        if (!e.empty()) return e;
        m.~machine_t();
        new (&m) machine_t(core);
        if constexpr (is_svm) {
            auto& ct = m.vmcb.control;
            ct.intercept_misc1 = (1u << 18) | (1u << 24) | (1u << 27) | (1u << 28);  // CPUID, HLT, IOIO, MSR
            ct.intercept_misc2 = 1u;                                                 // VMRUN
            ct.lbr_virtualization_enable = 1;  // so the guest's DebugCtl (BTF) is its own
            m.vmcb.save.dbgctl = core.s.debugctl;
        } else {
            m.vmcs[vmx::vmcs_field::primary_processor_controls] = (1u << 7) | (1u << 24);  // HLT, unconditional I/O
        }
        if (cfg.arm_introspection) arm(client_arm{});
        for (const client_arm& a : cfg.initial) arm(a);
        return {};
    }

    run_output run() {
        entry_rip_ = guest_rip();
        before_entry();
        out.first_entry_unforced = unforced();
        for (std::uint64_t n = 0; n < cfg_.max_exits; ++n) {
            const std::size_t ev0 = core.events.size();
            // SVM-TF parks the guest's DR6 while armed (VMCB.DR6 holds the reset pattern): what the
            // guest can read (through the intercepted MOV DR6) is the parked value.
            std::uint64_t dr6_view = 0;
            bool parked = false;
            if constexpr (is_svm) {
                parked = core::has(stepper.state(), core::state_flag::dr6_parked);
                dr6_view = parked ? stepper.state().parked_guest_dr6 : m.vmcb.save.dr6;
            }
            run_result rr{};
            if constexpr (is_svm) rr = m.vmrun();
            else rr = m.vmresume();
            if (parked)
                for (std::size_t k = ev0; k < core.events.size(); ++k) core.events[k].dr6 = dr6_view;
            note_async(ev0);
            if (rr.status != run_status::exited) return finish(rr);
            step_record rec{};
            rec.exit_no = n + 1;
            rec.events_before = ev0;
            rec.events_after = core.events.size();
            rec.rip = guest_rip();
            rec.stepped = text_at(entry_rip_);
            rec.exit = describe_exit();
            rec.exit_boundary = core.boundaries;
            if constexpr (is_svm) {
                rec.bs_trap = m.vmcb.control.exit_code == 0x41 && (m.vmcb.save.dr6 & dr::bs);
            } else {
                const std::uint64_t info = m.get(vmx::vmcs_field::vm_exit_interruption_info);
                rec.bs_trap = m.get(vmx::vmcs_field::exit_reason) == 0 && (info & 0x7FF) == 0x301 &&
                              (m.get(vmx::vmcs_field::exit_qualification) & dr::bs);
            }
            handle_exit(rec);
            if (done_) return finish_ok();
            rec.guest_rflags = guest_rflags();
            rec.entry_injects = injecting();
            out.steps.push_back(rec);
            if (halted_ && !injecting()) {
                run_result h{};
                h.status = run_status::halted;
                return finish(h);
            }
            entry_rip_ = guest_rip();
            before_entry();
            out.steps.back().entry_unforced = unforced();
        }
        run_result rr{};
        rr.status = run_status::error;
        rr.error = "exit budget exhausted";
        return finish(rr);
    }

private:
    run_config cfg_;
    std::uint64_t entry_rip_ = 0;
    bool halted_ = false, done_ = false;
    unsigned pending_control_ = 0;

    auto view() {
        if constexpr (is_svm) return svm::vmcb_page{m.vmcb};
        else return vmcs_view{&m};
    }
    std::uint64_t guest_rip() {
        if constexpr (is_svm) return m.vmcb.save.rip;
        else return m.get(vmx::vmcs_field::guest_rip);
    }
    void set_rip(std::uint64_t v) {
        if constexpr (is_svm) m.vmcb.save.rip = v;
        else m.vmcs[vmx::vmcs_field::guest_rip] = v;
    }
    std::uint64_t raw_rflags() {
        if constexpr (is_svm) return m.vmcb.save.rflags;
        else return m.get(vmx::vmcs_field::guest_rflags);
    }
    std::uint64_t guest_rflags() {
        auto v = view();
        if constexpr (P == policy::vmx_mtf) return raw_rflags();
        else return stepper.guest_rflags(v);
    }
    std::uint64_t& gpr(unsigned n) {
        if constexpr (is_svm) {
            if (n == rax) return m.vmcb.save.rax;
            if (n == rsp) return m.vmcb.save.rsp;
        } else {
            if (n == rsp) return m.vmcs[vmx::vmcs_field::guest_rsp];
        }
        return m.gpr[n];
    }
    // What completing an emulated instruction does besides moving RIP: the interrupt shadow
    // ends and RF is cleared (SDM Vol. 3B §18.3.1.1: RF is cleared after every completed instruction).
    void clear_shadow() {
        if constexpr (is_svm) {
            m.vmcb.control.interrupt_shadow = 0;
            m.vmcb.save.rflags &= ~fl::rf;
        } else {
            m.vmcs[vmx::vmcs_field::guest_interruptibility_state] &= ~std::uint64_t{3};
            m.vmcs[vmx::vmcs_field::guest_rflags] &= ~fl::rf;
        }
    }
    bool shadowed() {
        if constexpr (is_svm) return m.vmcb.control.interrupt_shadow & 1u;
        else return (m.get(vmx::vmcs_field::guest_interruptibility_state) & 3u) != 0;
    }
    bool injecting() {
        if constexpr (is_svm) return (m.vmcb.control.event_injection >> 31) & 1u;
        else return (m.get(vmx::vmcs_field::vm_entry_interruption_info) >> 31) & 1u;
    }
    void inject(std::uint8_t vector, unsigned type) {
        if constexpr (is_svm) m.vmcb.control.event_injection = vector | (std::uint64_t{type} << 8) | (1u << 31);
        else m.vmcs[vmx::vmcs_field::vm_entry_interruption_info] = vector | (type << 8) | (1u << 31);
    }
    void window(bool on) {
        if constexpr (is_svm) {
            auto& ct = m.vmcb.control;
            ct.virtual_interrupt = on ? (ct.virtual_interrupt | (1u << 8)) : (ct.virtual_interrupt & ~std::uint64_t{1u << 8});
            ct.intercept_misc1 = on ? (ct.intercept_misc1 | (1u << 4)) : (ct.intercept_misc1 & ~(1u << 4));
        } else {
            auto& pc = m.vmcs[vmx::vmcs_field::primary_processor_controls];
            pc = on ? (pc | (1u << 2)) : (pc & ~std::uint64_t{1u << 2});
        }
    }

    std::string text_at(std::uint64_t rip) {
        std::uint8_t b[15] = {};
        const unsigned n = fetch(rip, b);
        const decode_result d = decode(b, n, rip);
        return d.ok ? disassemble(d.i) : "(" + hex_bytes(b, n < 4 ? n : 4) + ")";
    }
    unsigned fetch(std::uint64_t rip, std::uint8_t (&b)[15]) {
        const std::uint64_t avail = rip < mem.size() ? mem.size() - rip : 0;
        const unsigned n = static_cast<unsigned>(avail < 15 ? avail : 15);
        if (n) (void)mem.read(rip, b, n);
        return n;
    }

    void arm(const client_arm& a) {
        if constexpr (P == policy::vmx_mtf) {
            if (cfg_.step_into_events) stepper.arm(a.client, a.g, a.p, core::step_into_events);
            else stepper.arm(a.client, a.g, a.p);
        } else {
            stepper.arm(a.client, a.g, a.p);
        }
    }

    std::string describe_exit() {
        char b[96];
        if constexpr (is_svm) {
            const auto& ct = m.vmcb.control;
            const std::uint64_t code = ct.exit_code;
            if (code >= 0x40 && code < 0x60)
                std::snprintf(b, sizeof b, "%s intercept (%#llx)%s", event_name(static_cast<std::uint8_t>(code - 0x40)).c_str(),
                              static_cast<unsigned long long>(code), code == 0x41 ? (" DR6=" + hex(m.vmcb.save.dr6)).c_str() : "");
            else
                std::snprintf(b, sizeof b, "%s (%#llx)", svm_exit_name(code), static_cast<unsigned long long>(code));
        } else {
            const std::uint64_t reason = m.get(vmx::vmcs_field::exit_reason);
            if (reason == 0) {
                const std::uint64_t info = m.get(vmx::vmcs_field::vm_exit_interruption_info);
                std::snprintf(b, sizeof b, "exception %s type %u (0)%s", event_name(static_cast<std::uint8_t>(info & 0xFF)).c_str(),
                              static_cast<unsigned>((info >> 8) & 7u),
                              (info & 0xFF) == 1 ? (" qual=" + hex(m.get(vmx::vmcs_field::exit_qualification))).c_str() : "");
            } else {
                std::snprintf(b, sizeof b, "%s (%llu)", vmx_exit_name(reason), static_cast<unsigned long long>(reason));
            }
        }
        return b;
    }
    static const char* svm_exit_name(std::uint64_t c) {
        switch (c) {
            case 0x26: return "DR6 read"; case 0x36: return "DR6 write"; case 0x64: return "VINTR"; case 0x70: return "PUSHF";
            case 0x71: return "POPF"; case 0x72: return "CPUID"; case 0x74: return "IRET"; case 0x75: return "INTn";
            case 0x78: return "HLT"; case 0x7B: return "IOIO"; case 0x7C: return "MSR"; case 0x88: return "ICEBP";
            default: return "exit";
        }
    }
    static const char* vmx_exit_name(std::uint64_t r) {
        switch (r) {
            case 7: return "interrupt window"; case 8: return "NMI window"; case 10: return "CPUID"; case 12: return "HLT";
            case 29: return "MOV DR"; case 30: return "I/O"; case 31: return "RDMSR"; case 32: return "WRMSR"; case 37: return "MTF";
            default: return "exit";
        }
    }

    static std::string clients_text(core::client_set c) {
        std::string s;
        for (unsigned k = 0; k < 8; ++k)
            if (c.contains(k)) s += (s.empty() ? "" : ",") + std::string(k == 0 ? "debugger" : k == 1 ? "introspection" : k == 2 ? "nmi-window" : "client") ;
        return s;
    }

    void handle_exit(step_record& rec) {
        auto v = view();
        core::exit_result r{};
        std::uint32_t reason = 0;
        if constexpr (is_svm) r = stepper.on_exit(v);
        else {
            reason = static_cast<std::uint32_t>(m.get(vmx::vmcs_field::exit_reason));
            r = stepper.on_exit(v, reason);
        }
        std::string d;
        if (r.fixup.clear_tf_at_stack_top) {
            const std::uint64_t sp = gpr(rsp);
            mem.poke(sp, 2, r.fixup.fixed_stack_image(mem.peek(sp, 2)));
            d += "clear TF in pushed image; ";
        }
        if (r.fixup.set_r11_tf) {
            gpr(r11) = r.fixup.fixed_r11(gpr(r11));
            d += std::string("R11.TF <- ") + (r.fixup.r11_tf ? "1" : "0") + "; ";
        }
        rec.report = r.report;
        rec.boundary = core.boundaries;
        if (r.report.any()) d += "report " + cause_name(r.report.cause) + " to " + clients_text(r.report.clients) + "; ";
        if constexpr (is_svm) {
            if (r.dr6.pending) {
                if (r.dr6.write) stepper.set_guest_dr6(v, gpr(r.dr6.gpr));
                else gpr(r.dr6.gpr) = stepper.guest_dr6(v);
                set_rip(m.vmcb.control.next_rip);
                clear_shadow();
                ++core.boundaries;
                d += std::string("emulate MOV ") + (r.dr6.write ? "to" : "from") + " DR6; ";
                after_emulation(rec, d);
                r.hypervisor_handles = false;
            }
        }
        if (r.hypervisor_handles) handle_normally(rec, d, reason);
        if (injecting()) {
            std::uint64_t inj;
            if constexpr (is_svm) inj = m.vmcb.control.event_injection;
            else inj = m.get(vmx::vmcs_field::vm_entry_interruption_info);
            d += "inject " + event_name(static_cast<std::uint8_t>(inj & 0xFF)) + "; ";
        }
        // Interrupts and NMIs the guest raised wait while a step holds events (examples/*_exit_handler.cpp).
        if (!injecting() && !stepper.events_held()) {
            const bool ifl = (raw_rflags() & fl::if_) != 0;
            if (plat.pending_nmi && !shadowed() && !core.s.nmi_blocked) {
                plat.pending_nmi = false;
                inject(vec::nmi, 2);
                d += "inject NMI; ";
                window(false);
            } else if (!plat.pending_irqs.empty() && ifl && !shadowed()) {
                inject(plat.pending_irqs.front(), 0);
                d += "inject interrupt " + hex(plat.pending_irqs.front()) + "; ";
                plat.pending_irqs.erase(plat.pending_irqs.begin());
                window(false);
            } else if (!plat.pending_irqs.empty()) {
                window(true);
            }
        }
        if (injecting()) halted_ = false;
        if (d.empty()) d = "nothing";
        rec.decision = d;
    }

    void after_emulation(step_record& rec, std::string& d) {
        auto v = view();
        const core::emulation_result e = stepper.after_emulation(v);
        rec.emulation_report = e.report;
        if (e.report.any()) {
            rec.boundary = core.boundaries;
            d += "report emulated to " + clients_text(e.report.clients) + "; ";
        }
        if (e.guest_db_injected) d += "guest's own #DB(BS) owed; ";
    }

    // The emulation of the instructions the hypervisor intercepts, and the arming port's
    // commands: emulation.hpp.
    void handle_normally(step_record& rec, std::string& d, std::uint32_t reason);
    void control(unsigned cmd, std::string& d);

    bool unforced() {
        if constexpr (P == policy::vmx_mtf) return false;
        else return stepper.state().is_armed() && !core::has(stepper.state(), core::state_flag::tf_forced);
    }

    void before_entry() {
        auto v = view();
        if constexpr (P == policy::vmx_mtf) {
            stepper.before_entry(v);
        } else {
            std::uint8_t b[15] = {};
            const unsigned n = fetch(guest_rip(), b);
            stepper.before_entry(v, core::classify_next(b, n, x86::code_size::bits64));
        }
    }

    void note_async(std::size_t from) {
        for (std::size_t k = from; k < core.events.size(); ++k) {
            const guest_event& g = core.events[k];
            if (g.injected && (g.type == event_type::external || g.type == event_type::nmi)) out.async_deliveries.push_back(g.boundary);
        }
    }

    run_output finish_ok() {
        run_result rr{};
        rr.status = run_status::ended;
        return finish(rr);
    }
    run_output finish(const run_result& rr) {
        switch (rr.status) {
            case run_status::ended: out.end = "ended"; out.ok = true; break;
            case run_status::halted: out.end = "halted"; break;
            case run_status::error: out.end = "error: " + rr.error; break;
            case run_status::entry_failed: out.end = "entry failed: " + rr.error; break;
            case run_status::exited: break;
        }
        if (!out.end.empty() && out.end.rfind("error: RDMSR", 0) == 0) out.ok = false;
        if ((rr.status == run_status::ended && done_) || (rr.status == run_status::halted && halted_)) {
            const std::uint64_t rf = guest_rflags();
            m.sync_to_cpu();
            core.s.rflags = rf;  // the guest's view: hvstep's TF is not the guest's
        }
        out.events = core.events;
        out.final = core.s;
        out.memory = mem.bytes();
        out.plat = plat;
        out.boundaries = core.boundaries;
        return out;
    }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep

#include "hvstep/sim/emulation.hpp"
