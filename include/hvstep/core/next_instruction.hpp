#pragma once
// From a decoded instruction (x86/instruction.hpp) to what a TF step needs to
// know about it. A hypervisor that can read the bytes at the guest's RIP before
// the entry passes the result to before_entry(); one that cannot passes
// next_instruction::unknown and loses only the repairs that need it (the PUSHF
// image, R11 after SYSCALL, the TF a POPF/IRET/SYSRET loads when the guest did
// not own TF before: docs/step-rules.md lists them).

#include "hvstep/core/step_types.hpp"
#include "hvstep/x86/instruction.hpp"

namespace hvstep {
inline namespace v0 {
namespace core {

// INT3, INTO and INT1 need no special case: a TF policy intercepts #BP, #OF and
// #DB while armed and re-injects them with the guest's flags. INT n is the
// exception: VMX cannot intercept it, and its delivery pushes RFLAGS.
constexpr next_instruction classify_next(x86::instruction_kind kind) noexcept {
    switch (kind) {
        case x86::instruction_kind::pushf:
            return next_instruction::pushes_flags;
        case x86::instruction_kind::popf:
        case x86::instruction_kind::iret:
            return next_instruction::loads_flags;
        case x86::instruction_kind::sysret:
            return next_instruction::sysret;
        case x86::instruction_kind::syscall:
            return next_instruction::syscall;
        case x86::instruction_kind::int_n:
            return next_instruction::software_interrupt;
        case x86::instruction_kind::truncated:
        case x86::instruction_kind::invalid:
            return next_instruction::unknown;
        default:
            return next_instruction::ordinary;
    }
}

// MOV SS and POP SS hold the single-step trap until after the next
// instruction (SDM Vol. 3A §6.8.3), so one step covers the pair and what
// matters is the second instruction: `pop ss; pushfd` pushes the TF of the
// step (the classic anti-debugger probe). MOV SS itself never touches TF.
constexpr next_instruction classify_next(const std::uint8_t* bytes, std::size_t available,
                                         x86::code_size size) noexcept {
    const auto first = x86::classify_instruction(bytes, available, size);
    if (!x86::opens_mov_ss_shadow(first.kind)) return classify_next(first.kind);
    if (first.length == 0 || first.length >= available) return next_instruction::unknown;
    return classify_next(x86::classify_instruction(bytes + first.length, available - first.length, size).kind);
}

}  // namespace core
}  // namespace v0
}  // namespace hvstep
