#pragma once
// What every hand-written baseline hook hands back: enough for the benchmark to keep the
// result alive and for a reader to see what the peer would report. The baselines are models of
// the stepping part of each peer's exit path, written here from the peers' published behaviour
// (docs/performance.md lists what each models and what it leaves out); none is the peer's code.

#include <cstdint>

#include "hvstep/svm/vmcb_layout.hpp"
#include "hvstep/x86/bits.hpp"

namespace hvstep_bench {
namespace baseline {

struct outcome {
    bool stepped = false;  // a step was reported to the stepping client
    bool hypervisor_handles = false;
    std::uint64_t rip = 0;
};

// A VMCB write clears the clean bit that covers the field (APM Vol. 2 §15.15.2); the baselines
// do what every SVM hypervisor must.
inline void mark_dirty(hvstep::svm::vmcb_layout& l, std::uint32_t clean_bit_mask) noexcept {
    l.control.vmcb_clean &= ~clean_bit_mask;
}
template <class Field>
constexpr std::uint32_t clean_mask(Field) noexcept {
    return static_cast<std::uint32_t>(Field::mask);
}

}  // namespace baseline
}  // namespace hvstep_bench
