#pragma once
// Flat guest RAM for the reference simulator: identity-mapped long mode, no
// paging model. Physical = linear = virtual; RAM is [0, size). An access that
// leaves RAM raises #PF with CR2 = the first linear address outside RAM
// (SDM Vol. 3A §4.7 "Page-Fault Exceptions": P=0, W/R and I/D from the access).
// Hosted C++: this is the oracle, not part of what a hypervisor links.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hvstep {
inline namespace v0 {
namespace sim {

enum class access : std::uint8_t { read, write, fetch };

// #PF error code (SDM Vol. 3A §4.7, Figure 4-12): P=0 (not present), bit 1 W/R, bit 4 I/D.
constexpr std::uint32_t pf_error_code(access a) noexcept {
    return a == access::write ? 0x2U : a == access::fetch ? 0x10U : 0x0U;
}

struct mem_fault {
    bool faulted = false;
    std::uint64_t address = 0;  // CR2
    std::uint32_t error_code = 0;
};

class guest_memory {
public:
    explicit guest_memory(std::size_t size = 4u << 20) : bytes_(size, 0) {}

    std::size_t size() const noexcept { return bytes_.size(); }
    std::uint8_t* data() noexcept { return bytes_.data(); }
    const std::uint8_t* data() const noexcept { return bytes_.data(); }
    const std::vector<std::uint8_t>& bytes() const noexcept { return bytes_; }

    bool contains(std::uint64_t address, std::size_t n) const noexcept {
        return address <= bytes_.size() && n <= bytes_.size() - address;
    }
    // The first address of [address, address+n) outside RAM.
    std::uint64_t first_outside(std::uint64_t address) const noexcept {
        return address < bytes_.size() ? bytes_.size() : address;
    }

    mem_fault read(std::uint64_t address, void* out, std::size_t n, access a = access::read) const noexcept {
        if (!contains(address, n)) return mem_fault{true, first_outside(address), pf_error_code(a)};
        std::memcpy(out, bytes_.data() + address, n);
        return {};
    }
    mem_fault write(std::uint64_t address, const void* in, std::size_t n) noexcept {
        if (!contains(address, n)) return mem_fault{true, first_outside(address), pf_error_code(access::write)};
        std::memcpy(bytes_.data() + address, in, n);
        return {};
    }
    // Little-endian integer of 1, 2, 4 or 8 bytes.
    mem_fault read_uint(std::uint64_t address, unsigned bytes, std::uint64_t& value) const noexcept {
        value = 0;
        return read(address, &value, bytes);
    }
    mem_fault write_uint(std::uint64_t address, unsigned bytes, std::uint64_t value) noexcept {
        return write(address, &value, bytes);
    }
    // Host-side helpers for loaders and checkers (no fault semantics).
    std::uint64_t peek(std::uint64_t address, unsigned bytes) const noexcept {
        std::uint64_t v = 0;
        (void)read(address, &v, bytes);
        return v;
    }
    void poke(std::uint64_t address, unsigned bytes, std::uint64_t value) noexcept { (void)write(address, &value, bytes); }

private:
    std::vector<std::uint8_t> bytes_;
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
