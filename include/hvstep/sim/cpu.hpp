#pragma once
// The simulated processor's instruction-boundary machine: what happens between
// two instructions (pending debug traps, NMIs, interrupts, windows, MTF), the
// instruction breakpoint check, the single-step trap decided by TF at the start
// of the instruction, and event delivery through the guest's 64-bit IDT.
//
// Sources: SDM Vol. 3A §6.8.3 (shadows), §6.9 Table 6-2 (priorities), §6.12.1,
// §6.14 (64-bit delivery); SDM Vol. 3B §18.2-18.4 (DR6/DR7, #DB conditions, BTF);
// SDM Vol. 3C §26.5.2 (MTF); APM Vol. 2 §8.9, §13.1, §15.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "hvstep/sim/execute.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

enum class outcome : std::uint8_t { boundary, exit, ended, halted, error };
// A boundary the guest crossed (docs/trace-format.md "Counting boundaries").
enum class boundary_kind : std::uint8_t { instruction, rep_iteration, delivery };

struct step_result {
    outcome what = outcome::boundary;
    boundary_kind kind = boundary_kind::instruction;
    bool counted = true;  // false: MOV SS / POP SS completed; its pair ends after the next instruction
    std::uint64_t rip_before = 0;
    insn i{};
    bool executed = false;  // `i` is the instruction that ran (or exited)
    event delivered{};
    exit_info exit{};
    std::string error;
};

class cpu : public cpu_core {
public:
    std::vector<guest_event> events;     // every delivery, in order
    std::uint64_t boundaries = 0;        // counted boundaries so far
    bool native_async = true;            // deliver the platform's interrupts itself (no hypervisor)
    std::deque<std::uint64_t> async_not_before;  // checker: earliest boundary of each async delivery
    bool int1_exits_via_db_bitmap = false;       // VMX: INT1 is a #DB exit of type 5 (SDM §25.9.2)

    cpu(guest_memory& m, platform& p) : cpu_core(m, p) {}

    // Delivers `e` through the IDT. `injected`: by VM entry (no DR6/DR7 side effects,
    // SDM §27.6.1; APM §15.20). Returns false with `err` when the model cannot.
    bool deliver(event e, bool injected, std::string& err) {
        const std::uint64_t gate_at = s.idt_base + 16u * e.vector;
        if (16u * e.vector + 15u > s.idt_limit) return fail_delivery(err, e, "beyond the IDT limit");
        std::uint64_t lo = mem.peek(gate_at, 8), hi = mem.peek(gate_at + 8, 8);
        if (!mem.contains(gate_at, 16)) return fail_delivery(err, e, "IDT outside RAM");
        const unsigned type = static_cast<unsigned>((lo >> 40) & 0xF), dpl = static_cast<unsigned>((lo >> 45) & 3), present = static_cast<unsigned>((lo >> 47) & 1);
        if (!present || (type != 0xE && type != 0xF)) return fail_delivery(err, e, "gate not present or not a 64-bit interrupt/trap gate");
        const bool soft = e.type == event_type::software_interrupt || e.type == event_type::software_exception;
        if (soft && dpl < s.cpl()) {  // SDM Vol. 3A §6.12.1.1: #GP(vector*8+2), INT1 excepted
            event g{};
            g.vector = vec::gp;
            g.has_error = true;
            g.error = static_cast<std::uint32_t>(e.vector) * 8u + 2u;
            g.fault = true;
            g.return_rip = s.rip;
            return deliver(g, injected, err);
        }
        const std::uint64_t target = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | ((hi & 0xFFFFFFFF) << 32);
        const unsigned ist = static_cast<unsigned>((lo >> 32) & 7);
        const std::uint64_t old_rsp = s.gpr[rsp];
        const std::uint16_t old_ss = s.ss, old_cs = s.cs;
        std::uint64_t sp = old_rsp;
        if (ist != 0) sp = mem.peek(s.tss_base + 0x24 + 8u * (ist - 1), 8);
        else if (s.cpl() != 0) sp = mem.peek(s.tss_base + 4, 8);
        sp &= ~std::uint64_t{0xF};
        std::uint64_t image = s.rflags;
        if (e.fault && e.vector != vec::db) image |= fl::rf;  // faults push RF=1 (SDM Vol. 3B §18.3.1.1)
        std::uint64_t frame[6] = {old_ss, old_rsp, image, old_cs, e.return_rip, e.error};
        const unsigned n = e.has_error ? 6 : 5;
        for (unsigned k = 0; k < n; ++k) {
            sp -= 8;
            if (mem.write_uint(sp, 8, frame[k]).faulted) return fail_delivery(err, e, "stack outside RAM (#DF not modelled)");
        }
        s.gpr[rsp] = sp;
        if (s.cpl() != 0) s.ss = 0;
        s.cs = sel::kernel_cs;
        s.rip = target;
        s.rflags &= ~(fl::tf | fl::rf | fl::nt | fl::vm);
        if (type == 0xE) s.rflags &= ~fl::if_;
        s.sti_shadow = s.mov_ss_shadow = false;
        s.halted = false;
        if (e.type == event_type::nmi) s.nmi_blocked = true;
        if (!injected) {
            if (e.vector == vec::pf && e.type == event_type::hardware_exception) s.cr2 = e.cr2;
            if (e.vector == vec::db && e.type == event_type::hardware_exception) {
                s.dr6 = ((s.dr6 & ~dr::b_mask) | (e.db_conditions & (dr::b_mask | dr::bd | dr::bs | dr::bt))) | dr::dr6_fixed;
                s.dr7 &= ~dr::gd;  // SDM Vol. 3B §18.2.4: GD cleared on entry to the #DB handler
                s.debugctl &= ~(debugctl::btf | 1u);  // §18.4.1: a #DB clears LBR and BTF
            }
        }
        guest_event g{};
        g.boundary = boundaries;
        g.vector = e.vector;
        g.type = e.type;
        g.has_error = e.has_error;
        g.error = e.error;
        g.pushed_rip = e.return_rip;
        g.pushed_rflags = image;
        g.pushed_rsp = old_rsp;
        g.pushed_cs = old_cs;
        g.dr6 = s.dr6;
        g.dr7 = s.dr7;
        g.cr2 = s.cr2;
        g.gpr = s.gpr;
        g.injected = injected;
        events.push_back(g);
        return true;
    }

    // One boundary: an event delivered, an instruction (or REP iteration) executed, or an exit.
    step_result step() {
        step_result r{};
        r.rip_before = s.rip;
        // Traps recognised after the previous instruction (Table 6-2 class 4), unless a MOV-SS shadow holds them.
        if (s.pending_db != 0 && !s.mov_ss_shadow) {
            event e{};
            e.vector = vec::db;
            e.return_rip = s.rip;
            e.db_conditions = s.pending_db;
            s.pending_db = 0;
            return deliver_or_exit(r, e);
        }
        const bool blocked = s.sti_shadow || s.mov_ss_shadow;
        if (icpt.nmi_window && !s.nmi_blocked && !blocked) return exit_now(r, exit_kind::nmi_window);
        if (icpt.interrupt_window && (s.rflags & fl::if_) && !blocked) return exit_now(r, exit_kind::interrupt_window);
        if (native_async && async_ready()) {
            if (plat.pending_nmi && !s.nmi_blocked && !blocked) {
                plat.pending_nmi = false;
                return deliver_async(r, vec::nmi, event_type::nmi);
            }
            if (!plat.pending_irqs.empty() && (s.rflags & fl::if_) && !blocked) {
                const std::uint8_t v = plat.pending_irqs.front();
                plat.pending_irqs.erase(plat.pending_irqs.begin());
                return deliver_async(r, v, event_type::external);
            }
        }
        if (s.halted) {
            r.what = outcome::halted;
            return r;
        }
        // Fetch and decode.
        std::uint8_t bytes[15] = {};
        const std::uint64_t avail = s.rip < mem.size() ? mem.size() - s.rip : 0;
        const unsigned n = static_cast<unsigned>(avail < 15 ? avail : 15);
        if (n) (void)mem.read(s.rip, bytes, n);
        const decode_result d = decode(bytes, n, s.rip);
        if (!d.ok) {
            if (n < 15 && (n == 0 || d.error.find("runs past") != std::string::npos)) {
                c_fault_fetch(s.rip + n);
                r.executed = false;
                return deliver_or_exit(r, fault);
            }
            r.what = outcome::error;
            char at[40];
            std::snprintf(at, sizeof at, "%#llx", static_cast<unsigned long long>(s.rip));
            r.error = std::string("unsupported instruction at ") + at + ": bytes " + hex_bytes(bytes, n < 8 ? n : 8) + " (" + d.error + ")";
            return r;
        }
        r.i = d.i;
        r.executed = true;
        // Instruction breakpoints: a fault before the instruction, unless RF=1 (SDM Vol. 3B §18.3.1.1).
        if (!(s.rflags & fl::rf) && !rep_continuing_) {
            std::uint64_t hits = 0;
            for (unsigned k = 0; k < 4; ++k)
                if (dr::enabled(s.dr7, k) && dr::rw(s.dr7, k) == 0 && s.dr03[k] == s.rip) hits |= 1u << k;
            if (hits) {
                event e{};
                e.vector = vec::db;
                e.fault = true;
                e.return_rip = s.rip;
                e.db_conditions = hits;
                return deliver_or_exit(r, e);
            }
        }
        const bool tf_start = (s.rflags & fl::tf) != 0;
        const bool movss_now = s.mov_ss_shadow, sti_now = s.sti_shadow;
        const bool if_before = (s.rflags & fl::if_) != 0;
        const exec_result x = execute(*this, d.i);
        switch (x.what) {
            case ex::error:
                r.what = outcome::error;
                r.error = x.msg;
                return r;
            case ex::intercepted:
                r.what = outcome::exit;
                r.exit.kind = exit_kind::instruction;
                r.exit.i = d.i;
                r.exit.rip = s.rip;
                r.exit.next_rip = s.rip + d.i.length;
                return r;
            case ex::fault:
            case ex::software_event: {
                rep_continuing_ = false;
                event e = x.ev;
                if (x.what == ex::software_event && e.vector == vec::db && int1_exits_via_db_bitmap &&
                    (icpt.exceptions & 2u)) {
                    e.return_rip = s.rip + d.i.length;
                }
                return deliver_or_exit(r, e);
            }
            default: break;
        }
        // The instruction (or one REP iteration) completed.
        rep_continuing_ = x.rep_more;
        s.sti_shadow = s.mov_ss_shadow = false;
        if (d.i.code == op::mov_to_ss && !movss_now) s.mov_ss_shadow = true;
        if (d.i.code == op::sti && !if_before && !sti_now) s.sti_shadow = true;
        if (!(d.i.code == op::iret)) s.rflags &= ~fl::rf;
        const bool btf = (s.debugctl & debugctl::btf) != 0;
        if (tf_start && (!btf || x.branch)) s.pending_db |= dr::bs;
        if (x.sysret_tf) s.pending_db |= dr::bs;
        s.pending_db |= data_hits;
        if (x.what == ex::halted) s.halted = true;
        r.kind = x.rep_more ? boundary_kind::rep_iteration : boundary_kind::instruction;
        r.counted = !s.mov_ss_shadow;
        if (r.counted) ++boundaries;
        if (x.what == ex::ended) {
            r.what = outcome::ended;
            return r;
        }
        if (r.counted && icpt.mtf) return mtf_exit(r);  // MTF before the pending traps (SDM §26.5.2)
        return r;
    }

    // A VM entry delivers an injected event; counted as a delivery boundary.
    bool deliver_injected(const event& e, std::string& err) {
        rep_continuing_ = false;
        if (!deliver(e, true, err)) return false;
        ++boundaries;
        return true;
    }

    bool rep_continuing() const noexcept { return rep_continuing_; }
    void clear_rep() noexcept { rep_continuing_ = false; }

private:
    bool rep_continuing_ = false;

    bool async_ready() const { return async_not_before.empty() || boundaries >= async_not_before.front(); }

    void c_fault_fetch(std::uint64_t address) {
        faulted = true;
        fault = event{};
        fault.vector = vec::pf;
        fault.has_error = true;
        fault.error = 0x10u | (s.cpl() == 3 ? 4u : 0u);
        fault.fault = true;
        fault.cr2 = address;
        fault.return_rip = s.rip;
    }

    bool fail_delivery(std::string& err, const event& e, const char* why) {
        err = "cannot deliver " + event_name(e.vector) + ": " + why;
        return false;
    }

    step_result& exit_now(step_result& r, exit_kind k) {
        r.what = outcome::exit;
        r.exit.kind = k;
        r.exit.rip = s.rip;
        return r;
    }
    step_result& mtf_exit(step_result& r) {
        r.what = outcome::exit;
        r.exit.kind = exit_kind::mtf;
        r.exit.rip = s.rip;
        return r;
    }

    step_result deliver_async(step_result& r, std::uint8_t v, event_type t) {
        if (!async_not_before.empty()) async_not_before.pop_front();
        event e{};
        e.vector = v;
        e.type = t;
        e.return_rip = s.rip;
        std::string err;
        if (!deliver(e, false, err)) {
            r.what = outcome::error;
            r.error = err;
            return r;
        }
        r.kind = boundary_kind::delivery;
        r.delivered = e;
        ++boundaries;
        if (icpt.mtf) return mtf_exit(r);
        return r;
    }

    // An exception or software event of this instruction: intercepted, or delivered.
    step_result deliver_or_exit(step_result& r, event e) {
        const bool hw = e.type == event_type::hardware_exception || e.type == event_type::software_exception ||
                        (e.type == event_type::privileged_software && int1_exits_via_db_bitmap);
        if (hw && (icpt.exceptions & (1u << e.vector))) {
            if (e.vector == vec::db && e.type == event_type::hardware_exception && icpt.db_exit_updates_dr6) {
                s.dr6 = ((s.dr6 & ~dr::b_mask) | (e.db_conditions & (dr::b_mask | dr::bd | dr::bs | dr::bt))) | dr::dr6_fixed;
                s.dr7 &= ~dr::gd;
                s.debugctl &= ~(debugctl::btf | 1u);
            }
            r.what = outcome::exit;
            r.exit.kind = exit_kind::exception;
            r.exit.ev = e;
            r.exit.i = r.i;
            r.exit.rip = s.rip;
            r.exit.next_rip = r.executed ? s.rip + r.i.length : 0;
            return r;
        }
        std::string err;
        if (!deliver(e, false, err)) {
            r.what = outcome::error;
            r.error = err;
            return r;
        }
        r.kind = boundary_kind::delivery;
        r.delivered = e;
        ++boundaries;
        if (icpt.mtf) return mtf_exit(r);  // MTF after delivery: at the handler (SDM §26.5.2)
        return r;
    }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
