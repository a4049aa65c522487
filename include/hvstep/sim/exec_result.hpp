#pragma once
// What executing one instruction of the subset reports to the caller (cpu.hpp):
// completed, faulted, raised a software event, met an intercept, ended the
// program, stopped on an error or halted, plus whether it was a taken branch
// (for BTF), a REP iteration with more to come, or a SYSRET that loaded TF=1.
// execute.hpp fills it in.

#include <cstdint>
#include <string>

#include "hvstep/sim/cpu_core.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

enum class ex : std::uint8_t { done, fault, software_event, intercepted, ended, error, halted };

struct exec_result {
    ex what = ex::done;
    bool branch = false;        // a taken branch (for BTF)
    bool rep_more = false;      // a REP iteration done, more to come (RIP stays)
    bool sysret_tf = false;     // SYSRET loaded TF=1: it traps right after SYSRET
    event ev{};                 // fault / software_event
    std::string msg;            // error
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
