#pragma once
// Register fields as constexpr values instead of union bitfields: a union
// bitfield cannot be read in a constant expression once another member was
// written, and its layout is implementation-defined. Every architectural field
// in hvstep is a `field<Position, Width>` constant named after the manual.

#include <cstdint>

namespace hvstep {
inline namespace v0 {
namespace x86 {

template <unsigned Position, unsigned Width = 1>
struct field {
    static_assert(Width >= 1 && Position + Width <= 64, "field must lie inside a 64-bit register");

    static constexpr unsigned position = Position;
    static constexpr unsigned width = Width;
    static constexpr std::uint64_t mask =
        (Width == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << Width) - 1U)) << Position;

    // The field's value, shifted down to bit 0.
    static constexpr std::uint64_t get(std::uint64_t reg) noexcept { return (reg & mask) >> Position; }

    // `reg` with the field replaced by `value` (excess high bits of `value` are dropped).
    static constexpr std::uint64_t set(std::uint64_t reg, std::uint64_t value) noexcept {
        return (reg & ~mask) | ((value << Position) & mask);
    }

    static constexpr bool is_set(std::uint64_t reg) noexcept { return (reg & mask) != 0; }
    static constexpr std::uint64_t with(std::uint64_t reg) noexcept { return reg | mask; }
    static constexpr std::uint64_t without(std::uint64_t reg) noexcept { return reg & ~mask; }
    static constexpr std::uint64_t assign(std::uint64_t reg, bool on) noexcept {
        return on ? with(reg) : without(reg);
    }
};

}  // namespace x86
}  // namespace v0
}  // namespace hvstep
