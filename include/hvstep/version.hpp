#pragma once
// The one place hvstep's version is defined. CMake reads the three numbers below
// (see cmake/hvstepVersion.cmake), so keep each on its own line in this form.

namespace hvstep {
inline namespace v0 {

inline constexpr unsigned version_major = 0;
inline constexpr unsigned version_minor = 1;
inline constexpr unsigned version_patch = 0;

// The inline namespace carries the major version, so two incompatible hvstep
// copies linked into one hypervisor cannot silently mix their step states.
static_assert(version_major == 0, "rename the inline namespace v0 when the major version changes");

inline constexpr char version_string[] = "0.1.0";

}  // namespace v0
}  // namespace hvstep
