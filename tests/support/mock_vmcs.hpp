#pragma once
// A VMCS in a table, usable in constant expressions, that counts every access
// the policy makes (VMREAD/VMWRITE dominate the exit path on real hardware).
// Tests set the scene with poke() and inspect with peek(), which do not count.

#include <cstdint>

#include "hvstep/vmx/vmcs_field.hpp"
#include "hvstep/x86/dr6.hpp"

namespace hvstep_test {

struct mock_vmcs {
    struct slot {
        hvstep::vmx::vmcs_field field{};
        std::uint64_t value = 0;
        bool used = false;
    };
    static constexpr unsigned capacity = 48;

    slot slots[capacity]{};
    std::uint64_t guest_dr6 = hvstep::x86::dr6::init_value;
    std::uint64_t guest_cr2 = 0;
    unsigned reads = 0;
    unsigned writes = 0;
    unsigned overflow = 0;  // fields that did not fit: a test bug, checked by tests

    constexpr std::uint64_t peek(hvstep::vmx::vmcs_field f) const noexcept {
        for (const auto& s : slots) {
            if (s.used && s.field == f) return s.value;
        }
        return 0;
    }
    constexpr void poke(hvstep::vmx::vmcs_field f, std::uint64_t v) noexcept {
        for (auto& s : slots) {
            if (s.used && s.field == f) {
                s.value = v;
                return;
            }
        }
        for (auto& s : slots) {
            if (!s.used) {
                s = slot{f, v, true};
                return;
            }
        }
        ++overflow;
    }
    constexpr void reset_counts() noexcept { reads = writes = 0; }

    // The accessor interface hvstep's VMX policies use.
    constexpr std::uint64_t read(hvstep::vmx::vmcs_field f) noexcept {
        ++reads;
        return peek(f);
    }
    constexpr void write(hvstep::vmx::vmcs_field f, std::uint64_t v) noexcept {
        ++writes;
        poke(f, v);
    }
    constexpr std::uint64_t read_dr6() noexcept {
        ++reads;
        return guest_dr6;
    }
    constexpr void write_dr6(std::uint64_t v) noexcept {
        ++writes;
        guest_dr6 = v;
    }
    constexpr void write_cr2(std::uint64_t v) noexcept {
        ++writes;
        guest_cr2 = v;
    }
};

}  // namespace hvstep_test
