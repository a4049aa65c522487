#pragma once
// A small simulated hypervisor per policy. Its exit loop calls the hvstep hooks
// exactly as examples/svm_exit_handler.cpp and examples/vmx_exit_handler.cpp
// do: on_exit, the guest fixups (stack image, R11), reports, MOV DR6 and the
// emulation of CPUID/IN/OUT/RDMSR/WRMSR/HLT followed by after_emulation,
// events_held before injecting interrupts, and before_entry with
// core::classify_next on the bytes at RIP. This is the only part of sim/ that
// calls hvstep; the machines it drives do not.

#include <cstdint>
#include <string>
#include <vector>

#include "hvstep/core/hook_results.hpp"
#include "hvstep/core/next_instruction.hpp"
#include "hvstep/sim/disasm.hpp"
#include "hvstep/sim/guest_abi.hpp"
#include "hvstep/sim/svm_machine.hpp"
#include "hvstep/sim/vmx_machine.hpp"
#include "hvstep/svm/tf_stepper.hpp"
#include "hvstep/svm/vmcb_page.hpp"
#include "hvstep/vmx/mtf_stepper.hpp"
#include "hvstep/vmx/tf_stepper.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

enum class policy : std::uint8_t { svm_tf, vmx_mtf, vmx_tf };

inline const char* policy_name(policy p) {
    return p == policy::svm_tf ? "svm-tf" : p == policy::vmx_mtf ? "vmx-mtf" : "vmx-tf";
}

// Port 0xF0: the test harness's arming port. The guest writes a command in AL; natively
// it is only logged. 1: debugger one-step; 2: introspection continuous; 3: disarm all;
// 4: introspection continuous, branch granularity; 5: NMI-window client one-step.
inline constexpr std::uint16_t control_port = 0xF0;

struct client_arm {
    unsigned client = core::clients::introspection;
    core::granularity g = core::granularity::instruction;
    core::persistence p = core::persistence::continuous;
};

struct run_config {
    policy pol = policy::vmx_mtf;
    bool arm_introspection = true;     // the default client: introspection, continuous, from the first entry
    std::vector<client_arm> initial;   // further clients armed before the first entry
    bool step_into_events = false;                  // MTF only: core::step_into_events
    std::uint64_t max_exits = 1000000;
};

// One exit, as the trace prints it.
struct step_record {
    std::uint64_t exit_no = 0;
    std::string exit;        // what the (simulated) hardware reported
    std::uint64_t rip = 0;   // guest RIP at the exit
    std::string stepped;     // the instruction at the RIP of the previous entry
    core::step_report report{};
    core::step_report emulation_report{};
    std::string decision;    // what hvstep answered
    std::uint64_t boundary = 0;  // cpu.boundaries at the report
    std::uint64_t guest_rflags = 0;  // the guest's view after the exit
    std::size_t events_before = 0, events_after = 0;  // cpu.events delivered while the guest ran up to this exit
    bool entry_injects = false;  // the entry after this exit injected an event
    bool entry_unforced = false; // TF policy: the entry after this exit ran the guest without the stepper's TF while armed
    std::uint64_t exit_boundary = 0;  // cpu.boundaries when the exit happened
    bool bs_trap = false;        // the exit is a #DB carrying a single-step trap (it ends boundary exit_boundary)
};

struct run_output {
    std::vector<step_record> steps;
    std::vector<guest_event> events;
    cpu_state final{};
    std::vector<std::uint8_t> memory;
    platform plat;
    std::string end;       // "ended" / "halted" / "error: ..." / "entry failed: ..."
    bool ok = false;       // ended through port 0xF4
    std::uint64_t boundaries = 0;
    std::vector<std::uint64_t> async_deliveries;  // boundary counts at which injected interrupts/NMIs were delivered
    bool first_entry_unforced = false;
};

std::string inline cause_name(core::step_cause c) {
    switch (c) {
        case core::step_cause::none: return "none";
        case core::step_cause::instruction: return "instruction";
        case core::step_cause::branch: return "branch";
        case core::step_cause::emulated_instruction: return "emulated";
        case core::step_cause::event_delivery: return "event-delivery";
        case core::step_cause::host_breakpoint: return "client-breakpoint";
    }
    return "?";
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep

#include "hvstep/sim/hypervisor_loop.hpp"
