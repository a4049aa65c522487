#pragma once
// The arithmetic-flag helpers execute.hpp shares between instructions: the
// parity of the low byte, SF/ZF/PF of a result of a given operand size, and the
// condition codes of Jcc evaluated on RFLAGS (SDM Vol. 1 Appendix B), with the
// 128-bit type DIV r/m64 needs.

#include <cstdint>

#include "hvstep/sim/cpu_core.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

namespace detail {
__extension__ typedef unsigned __int128 u128;  // DIV r/m64 divides RDX:RAX (GCC/Clang extension)

inline bool parity(std::uint64_t r) {
    unsigned b = static_cast<unsigned>(r & 0xFF), c = 0;
    for (; b; b &= b - 1) ++c;
    return (c & 1u) == 0;
}
inline std::uint64_t szp(std::uint64_t r, unsigned size) {
    const std::uint64_t m = cpu_core::mask_of(size), sign = std::uint64_t{1} << (8 * size - 1);
    r &= m;
    return (r == 0 ? fl::zf : 0) | ((r & sign) ? fl::sf : 0) | (parity(r) ? fl::pf : 0);
}
inline bool cond(std::uint8_t cc, std::uint64_t f) {
    const bool cf = f & fl::cf, zf = f & fl::zf, sf = f & fl::sf, of = f & fl::of, pf = f & fl::pf;
    bool r = false;
    switch (cc >> 1) {
        case 0: r = of; break;
        case 1: r = cf; break;
        case 2: r = zf; break;
        case 3: r = cf || zf; break;
        case 4: r = sf; break;
        case 5: r = pf; break;
        case 6: r = sf != of; break;
        case 7: r = zf || (sf != of); break;
    }
    return (cc & 1u) ? !r : r;
}
}  // namespace detail

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
