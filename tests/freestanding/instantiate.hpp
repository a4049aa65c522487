#pragma once
// Included last by the generated freestanding translation unit (cmake/hvstepFreestanding.cmake),
// after every header under include/hvstep/ outside sim/.
//
// Headers on their own are templates and inline constants: they emit no code, so `nm -u` on an
// object built from them alone would prove nothing. This file makes the compiler emit real code
// from them, with external linkage so nothing is discarded. Add here an explicit instantiation
// of every vmx/ and svm/ policy (with a minimal accessor) and a non-inline wrapper around every
// core transition, so the exit-path code a hypervisor links is exactly what gets checked for
// undefined symbols (memcpy/memset the optimiser invents, __cxa_*, __stack_chk_fail, ...).
//
// Keep it free of hosted headers: it is compiled with -ffreestanding -nostdlib.

#include <cstdint>

#include "hvstep/version.hpp"
#include "hvstep/x86/bits.hpp"
#include "hvstep/x86/rflags.hpp"

namespace hvstep_freestanding {

// The foundation headers' code paths, until the policies arrive.
std::uint64_t set_trap_flag(std::uint64_t rflags) noexcept { return hvstep::x86::rflags::tf.with(rflags); }

std::uint64_t restore_trap_flag(std::uint64_t rflags, bool guest_tf) noexcept {
    return hvstep::x86::rflags::tf.assign(rflags, guest_tf);
}

std::uint64_t read_iopl(std::uint64_t rflags) noexcept { return hvstep::x86::rflags::iopl.get(rflags); }

unsigned major_version() noexcept { return hvstep::version_major; }

}  // namespace hvstep_freestanding
