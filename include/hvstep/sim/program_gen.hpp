#pragma once
// Random valid guest programs (docs/guest-abi.md) from the simulator's subset, emitted as
// machine code: ALU and moves on registers and memory, stack pairs, PUSHF, CPUID and I/O the
// hypervisor emulates, forward branches, calls, REP STOS, INT3, MOV-SS pairs, STI/CLI, faults
// resumed through the runtime's fault-resume slot, and short stretches where the guest
// single-steps itself with its own TF. Deterministic for a seed.

#include <cstdint>
#include <vector>

#include "hvstep/sim/guest_abi.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

struct program_options {
    unsigned blocks = 24;
    // Keep each stretch of the guest's own TF to one trap, between two emulated CPUIDs. Off by
    // default; it kept an hvstep gap (fixed in cfe37a9: a trap of the guest's own TF after an
    // injecting entry reached no client) out of the batch while it was open.
    bool settle_after_guest_tf = false;
};

class program_writer {
public:
    explicit program_writer(std::uint64_t seed) : state_(seed) {}
    std::vector<std::uint8_t> code;

    std::uint64_t next() {  // splitmix64
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    unsigned pick(unsigned n) { return static_cast<unsigned>(next() % n); }
    void b(std::initializer_list<unsigned> bytes) {
        for (unsigned x : bytes) code.push_back(static_cast<std::uint8_t>(x));
    }
    void u32(std::uint32_t v) {
        for (unsigned k = 0; k < 4; ++k) code.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
    }
    // A scratch register: rax, rcx, rdx, rbx, rsi, rdi, r8-r10 (never rsp, rbp).
    unsigned reg() {
        static const unsigned regs[] = {0, 1, 2, 3, 6, 7, 8, 9, 10};
        return regs[pick(9)];
    }
    static unsigned rex_w(unsigned r, unsigned rm) { return 0x48u | ((r >> 3) << 2) | (rm >> 3); }
    // ModRM + SIB for an absolute [disp32] operand in the data area.
    void abs_operand(unsigned r) {
        b({((r & 7u) << 3) | 4u, 0x25});
        u32(static_cast<std::uint32_t>(abi::data_area + 8u * pick(64)));
    }

    void simple() {
        const unsigned r = reg(), r2 = reg();
        static const unsigned alu_rr[] = {0x01, 0x09, 0x21, 0x29, 0x31, 0x39, 0x85, 0x89};
        switch (pick(8)) {
            case 0: b({rex_w(0, r), 0xC7, 0xC0 | (r & 7u)}); u32(static_cast<std::uint32_t>(next())); break;  // mov r, imm32
            case 1: b({rex_w(r2, r), alu_rr[pick(8)], 0xC0 | ((r2 & 7u) << 3) | (r & 7u)}); break;                 // alu r, r
            case 2: b({rex_w(0, r), 0x83, 0xC0 | (pick(8) << 3) | (r & 7u), pick(256)}); break;                    // alu r, imm8
            case 3: b({rex_w(r, 0), pick(2) ? 0x01u : 0x03u}); abs_operand(r); break;                            // add [m], r / r, [m]
            case 4: b({rex_w(r, 0), 0x89}); abs_operand(r); break;                                               // mov [m], r
            case 5: b({rex_w(0, r), 0xFF, (pick(2) ? 0xC0u : 0xC8u) | (r & 7u)}); break;                          // inc/dec r
            case 6: b({0x90}); break;
            default: b({rex_w(0, r), 0xC1, (pick(2) ? 0xE0u : 0xE8u) | (r & 7u), pick(64)}); break;               // shl/shr r, imm8
        }
    }

    void block(const program_options& o) {
        switch (pick(16)) {
            case 0: {  // push/pop pair
                const unsigned r = reg(), r2 = reg();
                if (r >= 8) b({0x41});
                b({0x50 + (r & 7u)});
                simple();
                if (r2 >= 8) b({0x41});
                b({0x58 + (r2 & 7u)});
                break;
            }
            case 1: {  // pushfq; pop r
                const unsigned r = reg();
                b({0x9C});
                if (r >= 8) b({0x41});
                b({0x58 + (r & 7u)});
                break;
            }
            case 2: b({0x0F, 0xA2}); break;                      // cpuid
            case 3: b({pick(2) ? 0xE4u : 0xE6u, pick(2) ? 0xF6u : 0xE9u}); break;  // in al, 0xF6 / out 0xE9, al ...
            case 4: {  // jcc forward over one instruction
                const std::size_t at = code.size();
                b({0x70 + pick(16), 0});
                simple();
                code[at + 1] = static_cast<std::uint8_t>(code.size() - at - 2);
                break;
            }
            case 5: {  // call a local subroutine: call L; jmp M; L: inc r; ret; M:
                const unsigned r = reg();
                b({0xE8});
                u32(2);
                b({0xEB, 4, rex_w(0, r), 0xFF, 0xC0 | (r & 7u), 0xC3});
                break;
            }
            case 6: {  // mov rcx, k; mov rdi, data; rep stosb
                b({0x48, 0xC7, 0xC1});
                u32(1 + pick(4));
                b({0x48, 0xC7, 0xC7});
                u32(static_cast<std::uint32_t>(abi::data_area + 0x400 + 8u * pick(32)));
                b({0xF3, 0xAA});
                break;
            }
            case 7: b({0xCC}); break;  // int3
            case 8: b({0x66, 0x8C, 0xD0, 0x8E, 0xD0}); simple(); break;  // mov ax, ss; mov ss, ax; next
            case 9: b({0xFB}); simple(); b({0xFA}); break;              // sti; x; cli
            case 10: {  // a fault resumed through the runtime: lea rax,[rip+X]; mov [FAULT_RESUME],rax; fault; X:
                b({0x48, 0x8D, 0x05});
                const std::size_t rel = code.size();
                u32(0);
                b({0x48, 0x89, 0x04, 0x25});
                u32(static_cast<std::uint32_t>(abi::fault_resume));
                const std::size_t from = code.size();
                switch (pick(3)) {
                    case 0: b({0x0F, 0x0B}); break;                                     // ud2
                    case 1: b({0x48, 0x8B, 0x04, 0x25}); u32(0x7FFFF000u); break;      // mov rax, [outside RAM]
                    default: b({0x31, 0xC9, 0xF7, 0xF1}); break;                        // xor ecx,ecx; div ecx
                }
                const auto target = static_cast<std::uint32_t>(code.size() - (rel + 4));
                for (unsigned k = 0; k < 4; ++k) code[rel + k] = static_cast<std::uint8_t>(target >> (8 * k));
                (void)from;
                break;
            }
            case 11: {  // the guest's own TF for a stretch: pushfq; pushfq; or [rsp],0x100; popfq; x; y; popfq
                if (o.settle_after_guest_tf) b({0x0F, 0xA2});
                b({0x9C, 0x9C, 0x48, 0x81, 0x0C, 0x24});
                u32(0x100);
                b({0x9D});
                const unsigned n = o.settle_after_guest_tf ? 0 : pick(3);
                for (unsigned k = 0; k < n; ++k) simple();
                b({0x9D});
                if (o.settle_after_guest_tf) b({0x0F, 0xA2});
                break;
            }
            default: simple(); break;
        }
    }

private:
    std::uint64_t state_;
};

inline std::vector<std::uint8_t> generate_program(std::uint64_t seed, const program_options& o = {}) {
    program_writer w(seed);
    for (unsigned k = 0; k < o.blocks; ++k) w.block(o);
    w.b({0xB0, 0x00, 0xE6, 0xF4});  // mov al, 0; out 0xF4, al
    return w.code;
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
