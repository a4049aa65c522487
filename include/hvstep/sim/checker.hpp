#pragma once
// The transparency checker: the same guest program natively and under a
// policy, compared on everything the guest can observe (memory, pushed flags
// included; the registers and DR6/DR7/CR2 at each delivered event; the events
// themselves; the final registers; the I/O it did), and the completeness of the
// step reports against the native run's boundaries (docs/trace-format.md).

#include <cstdint>
#include <string>
#include <vector>

#include "hvstep/sim/hypervisor.hpp"
#include "hvstep/sim/native.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

struct verdict {
    bool transparent = true;
    bool complete = true;
    std::uint64_t steps = 0;       // step reports
    std::uint64_t boundaries = 0;  // native boundaries
    std::uint64_t unstepped_after_delivery = 0;  // TF limit: boundaries run unstepped after an event delivery
    std::vector<std::string> differences;
    bool ok() const noexcept { return transparent && complete; }
};

struct checked_run {
    run_output stepped;
    native_output native;
    verdict v;
};

namespace detail {
inline void differ(verdict& v, const std::string& what) {
    v.transparent = false;
    if (v.differences.size() < 24) v.differences.push_back(what);
}
inline void compare_regs(verdict& v, const std::string& where, const std::array<std::uint64_t, 16>& a,
                         const std::array<std::uint64_t, 16>& b) {
    for (unsigned k = 0; k < 16; ++k)
        if (a[k] != b[k]) differ(v, where + ": " + reg_name(k, 8) + " native " + hex(a[k]) + " stepped " + hex(b[k]));
}
}  // namespace detail

inline verdict compare(const native_output& n, const run_output& s, policy p) {
    using detail::differ;
    verdict v{};
    v.boundaries = n.boundaries.size();
    if (n.end != s.end) differ(v, "end: native '" + n.end + "' stepped '" + s.end + "'");
    if (n.plat.exit_status != s.plat.exit_status) differ(v, "exit status differs");
    if (n.plat.io_log.size() != s.plat.io_log.size()) differ(v, "I/O count: native " + std::to_string(n.plat.io_log.size()) + " stepped " + std::to_string(s.plat.io_log.size()));
    for (std::size_t k = 0; k < n.plat.io_log.size() && k < s.plat.io_log.size(); ++k) {
        const io_record &a = n.plat.io_log[k], &b = s.plat.io_log[k];
        if (a.in != b.in || a.port != b.port || a.value != b.value || a.size != b.size) differ(v, "I/O #" + std::to_string(k) + " differs");
    }
    if (n.events.size() != s.events.size())
        differ(v, "events delivered: native " + std::to_string(n.events.size()) + " stepped " + std::to_string(s.events.size()));
    for (std::size_t k = 0; k < n.events.size() && k < s.events.size(); ++k) {
        const guest_event &a = n.events[k], &b = s.events[k];
        const std::string w = "event #" + std::to_string(k) + " (" + event_name(a.vector) + ")";
        if (a.vector != b.vector) { differ(v, w + ": vector " + event_name(b.vector) + " when stepped"); continue; }
        if (a.has_error != b.has_error || a.error != b.error) differ(v, w + ": error code");
        if (a.pushed_rip != b.pushed_rip) differ(v, w + ": pushed RIP native " + hex(a.pushed_rip) + " stepped " + hex(b.pushed_rip));
        if (a.pushed_rflags != b.pushed_rflags) differ(v, w + ": pushed RFLAGS native " + hex(a.pushed_rflags) + " stepped " + hex(b.pushed_rflags));
        if (a.pushed_rsp != b.pushed_rsp || a.pushed_cs != b.pushed_cs) differ(v, w + ": pushed RSP/CS");
        if (a.dr6 != b.dr6) differ(v, w + ": DR6 native " + hex(a.dr6) + " stepped " + hex(b.dr6));
        if (a.dr7 != b.dr7) differ(v, w + ": DR7 native " + hex(a.dr7) + " stepped " + hex(b.dr7));
        if (a.cr2 != b.cr2) differ(v, w + ": CR2");
        detail::compare_regs(v, w, a.gpr, b.gpr);
    }
    detail::compare_regs(v, "final", n.final.gpr, s.final.gpr);
    if (n.final.rip != s.final.rip) differ(v, "final RIP native " + hex(n.final.rip) + " stepped " + hex(s.final.rip));
    if (n.final.rflags != s.final.rflags) differ(v, "final RFLAGS native " + hex(n.final.rflags) + " stepped " + hex(s.final.rflags));
    if (n.final.dr6 != s.final.dr6) differ(v, "final DR6 native " + hex(n.final.dr6) + " stepped " + hex(s.final.dr6));
    if (n.final.dr7 != s.final.dr7) differ(v, "final DR7 native " + hex(n.final.dr7) + " stepped " + hex(s.final.dr7));
    if (n.memory.size() == s.memory.size()) {
        unsigned shown = 0;
        for (std::size_t a = 0; a < n.memory.size() && shown < 4; ++a) {
            if (n.memory[a] != s.memory[a]) {
                differ(v, "memory at " + hex(a) + ": native " + hex(n.memory[a]) + " stepped " + hex(s.memory[a]));
                ++shown;
                a |= 7;  // one report per quadword
            }
        }
    }
    // Completeness: every report names the boundary it ends (docs/trace-format.md). Under a TF
    // policy an entry that does not force TF while armed (it injects an event, the next
    // instruction is INT n, the guest is halted) lets the guest run unstepped up to the next
    // exit (docs/step-rules.md): those boundaries are excused, nothing else.
    const bool tf = p != policy::vmx_mtf;
    std::uint64_t expect = 1, excuse_below = 0;
    if (tf && s.first_entry_unforced && !s.steps.empty()) excuse_below = s.steps[0].exit_boundary + (s.steps[0].bs_trap ? 0 : 1);
    std::vector<std::uint64_t> reported;
    auto take = [&](std::uint64_t index) {
        ++v.steps;
        reported.push_back(index);
        if (index > expect && tf && index - 1 < excuse_below) {
            v.unstepped_after_delivery += index - expect;
        } else if (index != expect) {
            v.complete = false;
            if (v.differences.size() < 24)
                v.differences.push_back("report #" + std::to_string(v.steps) + " ends boundary " + std::to_string(index) + ", expected " + std::to_string(expect));
        }
        if (index + 1 > expect) expect = index + 1;
    };
    for (std::size_t k = 0; k < s.steps.size(); ++k) {
        const step_record& r = s.steps[k];
        if (r.report.any()) {
            const bool pre_delivery = tf && r.report.cause == core::step_cause::event_delivery;
            take(r.boundary + (pre_delivery ? 1 : 0));
        }
        if (r.emulation_report.any()) take(r.boundary);
        if (tf && r.entry_unforced) {
            // Excused: up to the next exit; a single-step trap exit ends its boundary and must be reported.
            if (k + 1 < s.steps.size()) excuse_below = s.steps[k + 1].exit_boundary + (s.steps[k + 1].bs_trap ? 0 : 1);
            else excuse_below = ~std::uint64_t{0};
        }
    }
    // A single-step trap exit ends a boundary: it is never excused.
    std::vector<bool> was_reported;
    for (std::uint64_t x : reported) {
        if (x >= was_reported.size()) was_reported.resize(x + 1, false);
        was_reported[x] = true;
    }
    for (const step_record& r : s.steps) {
        if (!r.bs_trap) continue;
        const bool found = r.exit_boundary < was_reported.size() && was_reported[r.exit_boundary];
        if (!found) {
            v.complete = false;
            if (v.differences.size() < 24)
                v.differences.push_back("exit " + std::to_string(r.exit_no) + " (a single-step trap ending boundary " +
                                        std::to_string(r.exit_boundary) + ") gave the armed client no report");
        }
    }
    if (expect - 1 < v.boundaries) {
        if (tf && v.boundaries < excuse_below) {
            v.unstepped_after_delivery += v.boundaries - (expect - 1);
        } else {
            v.complete = false;
            if (v.differences.size() < 24)
                v.differences.push_back("reports end at boundary " + std::to_string(expect - 1) + " of " + std::to_string(v.boundaries));
        }
    }
    return v;
}

inline checked_run check(const std::vector<std::uint8_t>& program, const run_config& cfg) {
    checked_run r;
    switch (cfg.pol) {
        case policy::svm_tf: { sim_hypervisor<policy::svm_tf> h; const auto e = h.setup(program, cfg); if (!e.empty()) { r.stepped.end = "error: " + e; break; } r.stepped = h.run(); break; }
        case policy::vmx_mtf: { sim_hypervisor<policy::vmx_mtf> h; const auto e = h.setup(program, cfg); if (!e.empty()) { r.stepped.end = "error: " + e; break; } r.stepped = h.run(); break; }
        case policy::vmx_tf: { sim_hypervisor<policy::vmx_tf> h; const auto e = h.setup(program, cfg); if (!e.empty()) { r.stepped.end = "error: " + e; break; } r.stepped = h.run(); break; }
    }
    // Interrupts the stepped run never delivered (held until the end) stay undelivered natively too.
    std::vector<std::uint64_t> gates = r.stepped.async_deliveries;
    gates.push_back(~std::uint64_t{0});
    r.native = run_native(program, cfg.pol == policy::svm_tf ? vendor::amd : vendor::intel, gates);
    r.v = compare(r.native, r.stepped, cfg.pol);
    // Completeness is only defined for a client stepping everything from the start.
    if (!cfg.arm_introspection) {
        r.v.complete = true;
        std::vector<std::string> keep;
        for (auto& d : r.v.differences)
            if (d.rfind("report", 0) != 0) keep.push_back(d);
        r.v.differences = keep;
    }
    return r;
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
