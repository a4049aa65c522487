#pragma once
// The simulated hypervisor's emulation of the instructions it intercepts (see
// hypervisor_loop.hpp): CPUID, IN/OUT (including the arming commands of port
// 0xF0, control_port), RDMSR/WRMSR (the guest's DEBUGCTL through the stepper),
// HLT and the interrupt window, each completed as an instruction boundary and
// followed by after_emulation. Member definitions of sim_hypervisor, included
// at the end of hypervisor_loop.hpp. The MOV DR6 emulation SVM-TF asks for is
// part of handle_exit there.

#include <cstdint>
#include <string>

namespace hvstep {
inline namespace v0 {
namespace sim {

template <policy P>
inline void sim_hypervisor<P>::handle_normally(step_record& rec, std::string& d, std::uint32_t reason) {
    enum class what { none, cpuid, io, rdmsr, wrmsr, hlt, window } w = what::none;
    std::uint64_t next = 0, info = 0;
    if constexpr (is_svm) {
        const auto& ct = m.vmcb.control;
        next = ct.next_rip;
        info = ct.exit_info1;
        switch (ct.exit_code) {
            case 0x72: w = what::cpuid; break;
            case 0x7B: w = what::io; break;
            case 0x7C: w = info ? what::wrmsr : what::rdmsr; break;
            case 0x78: w = what::hlt; break;
            case 0x64: w = what::window; break;
            default: break;
        }
    } else {
        next = guest_rip() + m.get(vmx::vmcs_field::vm_exit_instruction_length);
        info = m.get(vmx::vmcs_field::exit_qualification);
        switch (reason) {
            case 10: w = what::cpuid; break;
            case 30: w = what::io; break;
            case 31: w = what::rdmsr; break;
            case 32: w = what::wrmsr; break;
            case 12: w = what::hlt; break;
            case 7: w = what::window; break;
            default: break;
        }
    }
    if (w == what::none) {
        if (rec.report.any()) return;  // a step exit hvstep consumed
        d += "left to the hypervisor (nothing to do); ";
        return;
    }
    if (w == what::window) {
        window(false);
        d += "interrupt window; ";
        return;
    }
    if (w == what::cpuid) {
        const cpuid_result q = plat.cpuid(static_cast<std::uint32_t>(gpr(rax)), static_cast<std::uint32_t>(gpr(rcx)));
        gpr(rax) = q.eax; gpr(rbx) = q.ebx; gpr(rcx) = q.ecx; gpr(rdx) = q.edx;
        d += "emulate CPUID; ";
    } else if (w == what::io) {
        bool in;
        unsigned size;
        std::uint16_t p;
        if constexpr (is_svm) {
            in = info & 1u;
            size = (info & 0x40u) ? 4 : (info & 0x20u) ? 2 : 1;
            p = static_cast<std::uint16_t>(info >> 16);
        } else {
            in = (info >> 3) & 1u;
            size = static_cast<unsigned>((info & 7u) + 1);
            p = static_cast<std::uint16_t>(info >> 16);
        }
        const std::uint64_t mk = size == 4 ? 0xFFFFFFFFull : size == 2 ? 0xFFFFull : 0xFFull;
        if (in) {
            const std::uint64_t val = plat.in(p, size);
            gpr(rax) = size == 4 ? val : ((gpr(rax) & ~mk) | val);
        } else {
            plat.out(p, size, static_cast<std::uint32_t>(gpr(rax) & mk));
            if (p == control_port) pending_control_ = static_cast<unsigned>(gpr(rax) & 0xFF);
        }
        d += std::string("emulate ") + (in ? "IN " : "OUT ") + hex(p) + "; ";
    } else if (w == what::rdmsr || w == what::wrmsr) {
        const auto id = static_cast<std::uint32_t>(gpr(rcx));
        std::uint64_t* slot = nullptr;
        std::uint64_t tmp = 0;
        bool ok = true;
        if constexpr (is_svm) {
            slot = m.msr_slot(id);
            ok = slot != nullptr;
        } else {
            tmp = m.read_msr(id, ok);
        }
        if (!ok) {
            d += "unknown MSR (not modelled); ";
            done_ = true;
            out.end = "error: RDMSR/WRMSR of an MSR the simulated hypervisor does not model";
            return;
        }
        if (w == what::rdmsr) {
            std::uint64_t val = slot ? *slot : tmp;
            if constexpr (P != policy::vmx_mtf) {
                if (id == msr::debugctl) {  // the guest sees its own BTF, not hvstep's
                    auto dv = view();
                    val = stepper.guest_debugctl(dv);
                }
            }
            gpr(rax) = val & 0xFFFFFFFF;
            gpr(rdx) = val >> 32;
        } else {
            std::uint64_t val = (gpr(rdx) << 32) | (gpr(rax) & 0xFFFFFFFF);
            if (id == msr::debugctl) val &= 3u;
            if constexpr (P != policy::vmx_mtf) {
                if (id == msr::debugctl) {  // while hvstep owns BTF, the write goes through it
                    auto dv = view();
                    stepper.set_guest_debugctl(dv, val);
                    if constexpr (is_svm) val = m.vmcb.save.dbgctl;
                    else val = m.get(vmx::vmcs_field::guest_debugctl);
                }
            }
            if constexpr (is_svm) {
                *slot = val;
            } else {
                (void)m.write_msr(id, val);
            }
        }
        d += std::string("emulate ") + (w == what::rdmsr ? "RDMSR " : "WRMSR ") + hex(id) + "; ";
    } else if (w == what::hlt) {
        halted_ = true;
        d += "emulate HLT; ";
    }
    set_rip(next);
    clear_shadow();
    ++core.boundaries;
    if (plat.ended) {
        // The program ended: the OUT still completes a step for the clients.
        after_emulation(rec, d);
        rec.decision = d;
        rec.guest_rflags = guest_rflags();
        out.steps.push_back(rec);
        done_ = true;
        return;
    }
    after_emulation(rec, d);
    // An arming command takes effect for the instructions after the OUT that gave it.
    if (pending_control_ != 0) {
        control(pending_control_, d);
        pending_control_ = 0;
    }
}

template <policy P>
inline void sim_hypervisor<P>::control(unsigned cmd, std::string& d) {
    switch (cmd) {
        case 1: arm(client_arm{core::clients::debugger, core::granularity::instruction, core::persistence::one_step}); d += "arm debugger one-step; "; break;
        case 2: arm(client_arm{}); d += "arm introspection; "; break;
        case 3: stepper.disarm_all(); d += "disarm all; "; break;
        case 4: arm(client_arm{core::clients::introspection, core::granularity::branch, core::persistence::continuous}); d += "arm introspection (branch); "; break;
        case 5: arm(client_arm{core::clients::nmi_window, core::granularity::instruction, core::persistence::one_step}); d += "arm nmi-window one-step; "; break;
        default: break;
    }
}

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
