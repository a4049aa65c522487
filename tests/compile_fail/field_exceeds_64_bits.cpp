// expect: field must lie inside a 64-bit register
// A register field is a window into one 64-bit register: x86::field<60, 8> would reach bit 67.
// bits.hpp must reject it at compile time instead of producing a silently truncated mask.
// The control build (-DHVSTEP_COMPILE_FAIL_CONTROL) uses field<56, 8>, which ends at bit 63.
#include <cstdint>

#include "hvstep/x86/bits.hpp"

#ifdef HVSTEP_COMPILE_FAIL_CONTROL
using probe = hvstep::x86::field<56, 8>;
#else
using probe = hvstep::x86::field<60, 8>;
#endif

// Using a member instantiates the class template, which evaluates its static_assert.
std::uint64_t probe_mask() { return probe::mask; }
