#pragma once
// The guest ABI (docs/guest-abi.md): where a flat 64-bit program is loaded,
// its stack, the descriptor state it starts with, the default IDT and the
// runtime whose handlers log each delivered event and return. The same layout
// is what a bare-metal test hypervisor sets up, so one guest file runs in the
// simulator and under an emulator alike.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hvstep/sim/cpu_state.hpp"
#include "hvstep/sim/memory.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {
namespace abi {

inline constexpr std::size_t ram_size = 4u << 20;            // 4 MiB, identity-mapped
inline constexpr std::uint64_t idt = 0x1000;                 // 256 64-bit gates, IDTR limit 0xFFF
inline constexpr std::uint64_t tss = 0x2000;                 // 64-bit TSS: RSP0 at +4, IST1-7 at +0x24
inline constexpr std::uint64_t log_count = 0x3000;           // u64: events logged by the runtime
inline constexpr std::uint64_t log_next = 0x3008;            // u64: where the next record goes
inline constexpr std::uint64_t fault_resume = 0x3010;        // u64: nonzero: the next handled event returns there
inline constexpr std::uint64_t log_base = 0x3100;            // 64-byte records (see docs/guest-abi.md)
inline constexpr std::uint64_t log_record = 64;
inline constexpr std::uint64_t runtime_code = 0x8000;        // the common handler
inline constexpr std::uint64_t stubs = 0x9000;               // 256 x 16-byte stubs: push error, push vector, jmp
inline constexpr std::uint64_t load_address = 0x10000;       // program entry = first byte
inline constexpr std::uint64_t max_program = 0x70000;
inline constexpr std::uint64_t data_area = 0x80000;          // free for the program (0x80000-0x8FFFF)
inline constexpr std::uint64_t user_stack_top = 0x8F000;     // a suggestion for CPL-3 code
inline constexpr std::uint64_t kernel_stack_top = 0x9F000;   // initial RSP and TSS.RSP0
inline constexpr std::uint64_t ist1_stack_top = 0xAF000;     // TSS.IST1 (unused by the default IDT)
inline constexpr std::uint64_t star = (std::uint64_t{0x18} << 48) | (std::uint64_t{0x08} << 32);

// tools/guest/runtime.S, assembled (ctest sim.runtime_bytes keeps the two equal).
inline constexpr std::uint8_t runtime_bytes[] = {
    0x50, 0x53, 0x48, 0x8b, 0x1c, 0x25, 0x08, 0x30, 0x00, 0x00, 0x48, 0x8b, 0x44, 0x24, 0x10, 0x48,
    0x89, 0x03, 0x48, 0x8b, 0x44, 0x24, 0x18, 0x48, 0x89, 0x43, 0x08, 0x48, 0x8b, 0x44, 0x24, 0x20,
    0x48, 0x89, 0x43, 0x10, 0x48, 0x8b, 0x44, 0x24, 0x30, 0x48, 0x89, 0x43, 0x18, 0x48, 0x8b, 0x44,
    0x24, 0x38, 0x48, 0x89, 0x43, 0x20, 0x0f, 0x21, 0xf0, 0x48, 0x89, 0x43, 0x28, 0x48, 0x8b, 0x44,
    0x24, 0x28, 0x48, 0x89, 0x43, 0x30, 0x48, 0x83, 0xc3, 0x40, 0x48, 0x89, 0x1c, 0x25, 0x08, 0x30,
    0x00, 0x00, 0x48, 0xff, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00, 0x48, 0x83, 0x7c, 0x24, 0x10, 0x01,
    0x75, 0x11, 0xb8, 0xf0, 0x0f, 0xff, 0xff, 0x0f, 0x23, 0xf0, 0x48, 0x81, 0x4c, 0x24, 0x30, 0x00,
    0x00, 0x01, 0x00, 0x48, 0x8b, 0x04, 0x25, 0x10, 0x30, 0x00, 0x00, 0x48, 0x85, 0xc0, 0x74, 0x11,
    0x48, 0x89, 0x44, 0x24, 0x20, 0x48, 0xc7, 0x04, 0x25, 0x10, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x5b, 0x58, 0x48, 0x83, 0xc4, 0x10, 0x48, 0xcf,
};

// A 64-bit interrupt gate (type 0xE, DPL 3 so INT n works from CPL 3; SDM Vol. 3A §6.14.1).
inline void write_gate(guest_memory& m, unsigned vector, std::uint64_t handler, unsigned dpl = 3, unsigned type = 0xE) {
    const std::uint64_t lo = (handler & 0xFFFF) | (std::uint64_t{sel::kernel_cs} << 16) |
                             (std::uint64_t{type} << 40) | (std::uint64_t{dpl} << 45) | (std::uint64_t{1} << 47) |
                             ((handler & 0xFFFF0000) << 32);
    m.poke(idt + 16u * vector, 8, lo);
    m.poke(idt + 16u * vector + 8, 8, handler >> 32);
}

constexpr bool cpu_pushes_error(unsigned v) noexcept { return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21; }

// Loads `program` and the runtime into `m` and gives `s` the ABI's initial state.
// Returns an error message, empty on success.
inline std::string load(guest_memory& m, cpu_state& s, const std::vector<std::uint8_t>& program) {
    if (m.size() < ram_size) return "guest memory smaller than the ABI's 4 MiB";
    if (program.empty()) return "empty program";
    if (program.size() > max_program) return "program larger than the ABI's 448 KiB";
    (void)m.write(runtime_code, runtime_bytes, sizeof runtime_bytes);
    for (unsigned v = 0; v < 256; ++v) {
        std::uint8_t entry_code[16];
        unsigned k = 0;
        if (!cpu_pushes_error(v)) { entry_code[k++] = 0x6A; entry_code[k++] = 0x00; }        // push 0
        entry_code[k++] = 0x68;                                                        // push imm32 vector
        for (unsigned b = 0; b < 4; ++b) entry_code[k++] = static_cast<std::uint8_t>(b == 0 ? v : 0);
        const std::uint64_t at = stubs + 16u * v, after = at + k + 5;
        const auto rel = static_cast<std::uint32_t>(runtime_code - after);
        entry_code[k++] = 0xE9;                                                        // jmp rel32 common
        for (unsigned b = 0; b < 4; ++b) entry_code[k++] = static_cast<std::uint8_t>(rel >> (8 * b));
        while (k < 16) entry_code[k++] = 0x90;
        (void)m.write(at, entry_code, 16);
        write_gate(m, v, at);
    }
    m.poke(tss + 4, 8, kernel_stack_top);
    m.poke(tss + 0x24, 8, ist1_stack_top);
    m.poke(log_count, 8, 0);
    m.poke(log_next, 8, log_base);
    m.poke(fault_resume, 8, 0);
    (void)m.write(load_address, program.data(), program.size());

    s = cpu_state{};
    s.rip = load_address;
    s.gpr[rsp] = kernel_stack_top;
    s.rflags = fl::reserved1;
    s.idt_base = idt;
    s.idt_limit = 0xFFF;
    s.tss_base = tss;
    s.star = star;
    s.sysenter_cs = sel::kernel_cs;
    return {};
}

}  // namespace abi
}  // namespace sim
}  // namespace v0
}  // namespace hvstep
