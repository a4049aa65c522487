#pragma once
// The simulated machine's devices, identical with and without a hypervisor:
// CPUID leaves, the I/O ports of the guest ABI (docs/guest-abi.md) and the
// guest-visible log of what the program wrote to them. A hypervisor that
// intercepts CPUID, IN/OUT or RDMSR/WRMSR emulates them by calling the same
// functions, so the guest sees the same answers either way.

#include <cstdint>
#include <string>
#include <vector>

namespace hvstep {
inline namespace v0 {
namespace sim {

namespace port {
inline constexpr std::uint16_t console = 0xE9;     // OUT: one character to the console log
inline constexpr std::uint16_t raise_irq = 0xF1;   // OUT: an external interrupt, vector = AL, becomes pending
inline constexpr std::uint16_t raise_nmi = 0xF2;   // OUT: an NMI becomes pending
inline constexpr std::uint16_t exit = 0xF4;        // OUT: the program ends; AL is its status
inline constexpr std::uint16_t data = 0xF6;        // IN: reads 0x5A5A5A5A truncated to the size
}  // namespace port

struct io_record {
    bool in = false;
    std::uint16_t port = 0;
    std::uint8_t size = 1;
    std::uint32_t value = 0;
};

struct cpuid_result {
    std::uint32_t eax, ebx, ecx, edx;
};

class platform {
public:
    // Pending asynchronous events raised through the ports; the CPU (natively)
    // or the hypervisor (by injection) delivers them.
    std::vector<std::uint8_t> pending_irqs;
    bool pending_nmi = false;
    bool ended = false;
    std::uint8_t exit_status = 0;
    std::string console;
    std::vector<io_record> io_log;

    cpuid_result cpuid(std::uint32_t leaf, std::uint32_t subleaf) const noexcept {
        switch (leaf) {
            case 0: return {1, 0x74737668, 0x6d697370, 0x6d69732d};  // "hvstep-simsim"
            case 1: return {0x000806F0, 0x00010800, 0x80000001u, 0x078BFBFF};
            default: return {leaf, subleaf, 0, 0};
        }
    }
    std::uint32_t in(std::uint16_t p, unsigned size) {
        std::uint32_t v = p == port::data ? 0x5A5A5A5Au : 0xFFFFFFFFu;
        if (size < 4) v &= (1u << (8 * size)) - 1u;
        io_log.push_back({true, p, static_cast<std::uint8_t>(size), v});
        return v;
    }
    void out(std::uint16_t p, unsigned size, std::uint32_t value) {
        io_log.push_back({false, p, static_cast<std::uint8_t>(size), value});
        if (p == port::console) console.push_back(static_cast<char>(value & 0xFF));
        if (p == port::raise_irq) pending_irqs.push_back(static_cast<std::uint8_t>(value & 0xFF));
        if (p == port::raise_nmi) pending_nmi = true;
        if (p == port::exit) {
            ended = true;
            exit_status = static_cast<std::uint8_t>(value & 0xFF);
        }
    }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
