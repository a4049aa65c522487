#pragma once
// The whole of hvstep a hypervisor needs in its exit handler: every header outside sim/ (the
// hosted reference model, included explicitly by tests only). The ctest `umbrella_complete`
// fails when a header is added without being listed here.

#include "hvstep/version.hpp"
#include "hvstep/x86/bits.hpp"
#include "hvstep/x86/rflags.hpp"
