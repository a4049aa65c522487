// How a hypervisor author tests their own exit handler without hardware: run a real guest
// program on hvstep's reference simulator (include/hvstep/sim/), with the simulated SVM
// processor standing in for VMRUN, and check what the handler did with GoogleTest.
//
// `my_exit_handler` is the code under test: the shape of examples/svm_exit_handler.cpp, with
// the hypervisor's guest-memory and GPR accessors pointed at the simulator.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <hvstep/hvstep.hpp>
#include <hvstep/sim/guest_abi.hpp>
#include <hvstep/sim/svm_machine.hpp>
#include <hvstep/sim/vmx_machine.hpp>

namespace {
namespace sim = hvstep::sim;
namespace core = hvstep::core;

struct my_vcpu {
    hvstep::svm::tf_stepper<hvstep::svm::vmcb_page> stepper;
    std::vector<std::uint64_t> debugger_saw;  // what my debugger front end was told
    bool done = false;
};

// ---- the code under test ------------------------------------------------------------------
void my_exit_handler(my_vcpu& v, sim::svm_machine& m, sim::platform& plat) {
    hvstep::svm::vmcb_page vmcb{m.vmcb};
    const core::exit_result r = v.stepper.on_exit(vmcb);
    if (r.fixup.clear_tf_at_stack_top) {
        const std::uint64_t rsp = vmcb.rsp();
        m.c.mem.poke(rsp, 2, r.fixup.fixed_stack_image(m.c.mem.peek(rsp, 2)));
    }
    m.gpr[11] = r.fixup.fixed_r11(m.gpr[11]);
    if (r.report.clients.contains(core::clients::debugger)) v.debugger_saw.push_back(r.report.rip);
    if (r.hypervisor_handles && vmcb.exit_code() == 0x7B) {  // IOIO: my device model
        const auto port = static_cast<std::uint16_t>(vmcb.exit_info1() >> 16);
        plat.out(port, 1, static_cast<std::uint32_t>(m.vmcb.save.rax & 0xFF));
        vmcb.set_rip(vmcb.next_rip());
        const core::emulation_result e = v.stepper.after_emulation(vmcb);
        if (e.report.clients.contains(core::clients::debugger)) v.debugger_saw.push_back(e.report.rip);
        v.done = plat.ended;
    }
    std::uint8_t bytes[15] = {};
    (void)m.c.mem.read(vmcb.rip(), bytes, sizeof bytes);
    v.stepper.before_entry(vmcb, core::classify_next(bytes, sizeof bytes, hvstep::x86::code_size::bits64));
}
// ---------------------------------------------------------------------------------------------

// mov rax, 1; pushfq; pop rbx; mov al, 0; out 0xF4, al
const std::vector<std::uint8_t> program = {0x48, 0xC7, 0xC0, 0x01, 0x00, 0x00, 0x00, 0x9C, 0x5B, 0xB0, 0x00, 0xE6, 0xF4};

struct rig {
    sim::guest_memory mem{sim::abi::ram_size};
    sim::platform plat;
    sim::cpu core{mem, plat};
    std::string loaded = sim::abi::load(mem, core.s, program);  // the guest ABI's initial state
    sim::svm_machine m{core};                                     // the loaded guest, in a VMCB
    rig() {
        EXPECT_EQ(loaded, "");
        m.vmcb.control.intercept_misc1 = 1u << 27;  // IOIO: the handler's device model
        m.vmcb.control.intercept_misc2 = 1u;        // VMRUN
    }
};

TEST(MyExitHandler, DebuggerGetsOneReportPerInstruction) {
    rig r;
    my_vcpu v;
    v.stepper.arm(core::clients::debugger);
    hvstep::svm::vmcb_page vmcb{r.m.vmcb};
    v.stepper.before_entry(vmcb, core::next_instruction::ordinary);
    for (int exits = 0; exits < 100 && !v.done; ++exits) {
        ASSERT_EQ(r.m.vmrun().status, sim::run_status::exited);
        my_exit_handler(v, r.m, r.plat);
    }
    ASSERT_TRUE(v.done);
    // mov, pushfq, pop, mov al, out: five instructions, five reports, each at the next RIP.
    EXPECT_EQ(v.debugger_saw, (std::vector<std::uint64_t>{0x10007, 0x10008, 0x10009, 0x1000b, 0x1000d}));
}

TEST(MyExitHandler, PushedFlagsNeverShowTheDebuggersTf) {
    rig r;
    my_vcpu v;
    v.stepper.arm(core::clients::debugger);
    hvstep::svm::vmcb_page vmcb{r.m.vmcb};
    v.stepper.before_entry(vmcb, core::next_instruction::ordinary);
    while (!v.done) {
        ASSERT_EQ(r.m.vmrun().status, sim::run_status::exited);
        my_exit_handler(v, r.m, r.plat);
    }
    // POP RBX took the PUSHFQ image: TF (bit 8) must be the guest's, 0.
    EXPECT_EQ(r.m.gpr[3] & 0x100u, 0u);
}
}  // namespace

// The simulated VMX processor refuses what hardware refuses: a stepper that sets TF inside an
// STI shadow without a pending BS (Xen's XSA-308) gets exit reason 33 with bit 31 set.
namespace {
TEST(MyExitHandler, NaiveTfInsideStiShadowFailsVmEntry) {
    namespace vmx = hvstep::vmx;
    sim::guest_memory mem{sim::abi::ram_size};
    sim::platform plat;
    sim::cpu core{mem, plat};
    const std::vector<std::uint8_t> sti_nop = {0xFA, 0xFB, 0x90, 0xB0, 0x00, 0xE6, 0xF4};  // cli; sti; nop; exit
    ASSERT_EQ(sim::abi::load(mem, core.s, sti_nop), "");
    sim::vmx_machine m{core};
    // Stop right after STI with MTF, as a stepper would.
    m.vmcs[vmx::vmcs_field::primary_processor_controls] = 1u << 27;
    ASSERT_EQ(m.vmresume().status, sim::run_status::exited);  // after CLI
    ASSERT_EQ(m.vmresume().status, sim::run_status::exited);  // after STI: blocking by STI
    ASSERT_EQ(m.get(vmx::vmcs_field::guest_interruptibility_state) & 1u, 1u);
    // The naive fallback: switch to TF without touching the pending-debug-exceptions field.
    m.vmcs[vmx::vmcs_field::primary_processor_controls] = 0;
    m.vmcs[vmx::vmcs_field::guest_rflags] |= 0x100;
    const sim::run_result r = m.vmresume();
    EXPECT_EQ(r.status, sim::run_status::entry_failed);
    EXPECT_EQ(m.get(vmx::vmcs_field::exit_reason), 33u | 0x80000000u);
    // With BS=1 (what the check demands) the entry passes, and the guest gets its #DB at once.
    m.vmcs[vmx::vmcs_field::guest_pending_debug_exceptions] = 1u << 14;
    EXPECT_NE(m.vmresume().status, sim::run_status::entry_failed);
    ASSERT_FALSE(core.events.empty());
    EXPECT_EQ(core.events.front().vector, 1u);
}
}  // namespace
