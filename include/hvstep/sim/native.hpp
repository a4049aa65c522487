#pragma once
// The reference run: the guest program on the simulated processor with no
// hypervisor at all. It records every counted instruction boundary
// (docs/trace-format.md "Counting boundaries") for the completeness check.

#include <cstdint>
#include <string>
#include <vector>

#include "hvstep/sim/cpu.hpp"
#include "hvstep/sim/guest_abi.hpp"
#include "hvstep/sim/hypervisor.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

struct native_boundary {
    std::uint64_t index = 0;  // 1-based
    std::uint64_t rip_before = 0, rip_after = 0;
    boundary_kind kind = boundary_kind::instruction;
    std::string text;  // the instruction, or the event delivered
};

struct native_output {
    std::vector<native_boundary> boundaries;
    std::vector<guest_event> events;
    cpu_state final{};
    std::vector<std::uint8_t> memory;
    platform plat;
    std::string end;
    bool ok = false;
};

// `async_gates`: the boundary counts at which the stepped run delivered each interrupt/NMI
// (asynchronous events arrive when the platform delivers them; see docs/trace-format.md).
inline native_output run_native(const std::vector<std::uint8_t>& program, vendor v,
                                const std::vector<std::uint64_t>& async_gates = {},
                                std::uint64_t budget = 4000000) {
    native_output out;
    guest_memory mem{abi::ram_size};
    cpu c{mem, out.plat};
    c.vend = v;
    c.native_async = true;
    for (std::uint64_t g : async_gates) c.async_not_before.push_back(g);
    const std::string e = abi::load(mem, c.s, program);
    if (!e.empty()) {
        out.end = "error: " + e;
        return out;
    }
    for (std::uint64_t n = 0;; ++n) {
        if (n == budget) {
            out.end = "error: boundary budget exhausted";
            break;
        }
        const std::uint64_t before = c.boundaries;
        const step_result r = c.step();
        if (c.boundaries != before) {
            native_boundary b{};
            b.index = c.boundaries;
            b.rip_before = r.rip_before;
            b.rip_after = c.s.rip;
            b.kind = r.kind;
            b.text = r.kind == boundary_kind::delivery ? "deliver " + event_name(r.delivered.vector) : (r.executed ? disassemble(r.i) : "?");
            out.boundaries.push_back(b);
        }
        if (r.what == outcome::boundary) continue;
        if (r.what == outcome::ended) { out.end = "ended"; out.ok = true; }
        else if (r.what == outcome::halted) out.end = "halted";
        else if (r.what == outcome::error) out.end = "error: " + r.error;
        else out.end = "error: unexpected exit without a hypervisor";
        break;
    }
    out.events = c.events;
    out.final = c.s;
    out.memory = mem.bytes();
    return out;
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
