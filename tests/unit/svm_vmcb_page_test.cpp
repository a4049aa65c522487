// vmcb_page: each setter writes its VMCB field and clears exactly the VMCB Clean bit that covers
// it (AMD APM Vol. 2 §15.15.2 "Guidelines for Clearing VMCB Clean Bits", §15.15.3 Figure 15-4);
// state the manual lists as never cached (RFLAGS, EVENTINJ) clears none.

#include "hvstep/svm/vmcb_page.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "dual_test.hpp"
#include "hvstep/svm/vmcb_layout.hpp"

namespace {

namespace svm = hvstep::svm;

constexpr std::uint32_t all_clean = 0xFFFF'FFFF;

constexpr std::uint32_t all_but(std::uint32_t bit) { return all_clean & ~bit; }

constexpr bool check_set_dr6_clears_only_drx_clean_bit() {
    svm::vmcb_layout vmcb{};
    vmcb.control.vmcb_clean = all_clean;
    svm::vmcb_page page{vmcb};
    page.set_dr6(0xFFFF'4FF0);
    return vmcb.save.dr6 == 0xFFFF'4FF0 && page.dr6() == 0xFFFF'4FF0 &&
           vmcb.control.vmcb_clean == all_but(svm::mask32(svm::clean::drx));
}
HVSTEP_DUAL_TEST(SvmVmcbPage, SetDr6ClearsOnlyDrxCleanBit, check_set_dr6_clears_only_drx_clean_bit)

constexpr bool check_set_debugctl_clears_only_lbr_clean_bit() {
    svm::vmcb_layout vmcb{};
    vmcb.control.vmcb_clean = all_clean;
    svm::vmcb_page page{vmcb};
    page.set_debugctl(0x3);
    return vmcb.save.dbgctl == 0x3 && page.debugctl() == 0x3 &&
           vmcb.control.vmcb_clean == all_but(svm::mask32(svm::clean::lbr));
}
HVSTEP_DUAL_TEST(SvmVmcbPage, SetDebugctlClearsOnlyLbrCleanBit, check_set_debugctl_clears_only_lbr_clean_bit)

constexpr bool check_set_lbr_virtualization_clears_only_lbr_clean_bit() {
    svm::vmcb_layout vmcb{};
    vmcb.control.vmcb_clean = all_clean;
    svm::vmcb_page page{vmcb};
    page.set_lbr_virtualization(true);
    const bool on = page.lbr_virtualization() && vmcb.control.lbr_virtualization_enable == 0x1 &&
                    vmcb.control.vmcb_clean == all_but(svm::mask32(svm::clean::lbr));
    vmcb.control.vmcb_clean = all_clean;
    page.set_lbr_virtualization(false);
    const bool off = !page.lbr_virtualization() && vmcb.control.lbr_virtualization_enable == 0 &&
                     vmcb.control.vmcb_clean == all_but(svm::mask32(svm::clean::lbr));
    return on && off;
}
HVSTEP_DUAL_TEST(SvmVmcbPage, SetLbrVirtualizationClearsOnlyLbrCleanBit,
                 check_set_lbr_virtualization_clears_only_lbr_clean_bit)

constexpr bool check_set_lbr_virtualization_keeps_other_0b8h_bits() {
    svm::vmcb_layout vmcb{};
    vmcb.control.lbr_virtualization_enable = svm::lbr_control::virtualized_vmsave_vmload.mask;
    svm::vmcb_page page{vmcb};
    page.set_lbr_virtualization(true);
    const bool kept_on = vmcb.control.lbr_virtualization_enable == 0x3;
    page.set_lbr_virtualization(false);
    return kept_on && vmcb.control.lbr_virtualization_enable == 0x2;
}
HVSTEP_DUAL_TEST(SvmVmcbPage, SetLbrVirtualizationKeepsOther0B8hBits, check_set_lbr_virtualization_keeps_other_0b8h_bits)

constexpr bool check_intercept_setters_clear_only_intercepts_clean_bit() {
    const std::uint32_t expected = all_but(svm::mask32(svm::clean::intercepts));
    svm::vmcb_layout vmcb{};
    svm::vmcb_page page{vmcb};

    vmcb.control.vmcb_clean = all_clean;
    page.set_exception_intercepts(0x2);
    const bool exceptions = vmcb.control.intercept_exceptions == 0x2 && page.exception_intercepts() == 0x2 &&
                            vmcb.control.vmcb_clean == expected;
    vmcb.control.vmcb_clean = all_clean;
    page.set_misc1_intercepts(0x0003'0000);
    const bool misc1 = vmcb.control.intercept_misc1 == 0x0003'0000 && page.misc1_intercepts() == 0x0003'0000 &&
                       vmcb.control.vmcb_clean == expected;
    vmcb.control.vmcb_clean = all_clean;
    page.set_misc2_intercepts(0x101);
    const bool misc2 = vmcb.control.intercept_misc2 == 0x101 && page.misc2_intercepts() == 0x101 &&
                       vmcb.control.vmcb_clean == expected;
    vmcb.control.vmcb_clean = all_clean;
    page.set_dr_intercepts(0x0080'0080);
    const bool dr = vmcb.control.intercept_dr == 0x0080'0080 && page.dr_intercepts() == 0x0080'0080 &&
                    vmcb.control.vmcb_clean == expected;
    return exceptions && misc1 && misc2 && dr;
}
HVSTEP_DUAL_TEST(SvmVmcbPage, InterceptSettersClearOnlyInterceptsCleanBit,
                 check_intercept_setters_clear_only_intercepts_clean_bit)

constexpr bool check_set_cr2_clears_only_cr2_clean_bit() {
    svm::vmcb_layout vmcb{};
    vmcb.control.vmcb_clean = all_clean;
    svm::vmcb_page page{vmcb};
    page.set_cr2(0x7FFF'0000'1000);
    return vmcb.save.cr2 == 0x7FFF'0000'1000 && page.cr2() == 0x7FFF'0000'1000 &&
           vmcb.control.vmcb_clean == all_but(svm::mask32(svm::clean::cr2));
}
HVSTEP_DUAL_TEST(SvmVmcbPage, SetCr2ClearsOnlyCr2CleanBit, check_set_cr2_clears_only_cr2_clean_bit)

// RFLAGS, RIP and EVENTINJ are "explicitly not cached" (§15.15.3): VMRUN always reads them.
constexpr bool check_uncached_setters_leave_clean_bits_alone() {
    svm::vmcb_layout vmcb{};
    vmcb.control.vmcb_clean = all_clean;
    svm::vmcb_page page{vmcb};
    page.set_rflags(0x302);
    page.set_rip(0xFFFF'8000'0000'1000);
    page.set_event_injection(0x8000'0301);
    return vmcb.save.rflags == 0x302 && page.rflags() == 0x302 && vmcb.save.rip == 0xFFFF'8000'0000'1000 &&
           page.rip() == 0xFFFF'8000'0000'1000 && vmcb.control.event_injection == 0x8000'0301 &&
           page.event_injection() == 0x8000'0301 && vmcb.control.vmcb_clean == all_clean;
}
HVSTEP_DUAL_TEST(SvmVmcbPage, RflagsRipAndEventInjectionAreNeverCached, check_uncached_setters_leave_clean_bits_alone)

constexpr bool check_setters_keep_already_cleared_bits_cleared() {
    svm::vmcb_layout vmcb{};
    vmcb.control.vmcb_clean = 0;
    svm::vmcb_page page{vmcb};
    page.set_dr6(1);
    page.set_debugctl(1);
    page.set_misc1_intercepts(1);
    page.set_rflags(2);
    page.set_cr2(3);
    return vmcb.control.vmcb_clean == 0;
}
HVSTEP_DUAL_TEST(SvmVmcbPage, SettersNeverSetACleanBit, check_setters_keep_already_cleared_bits_cleared)

constexpr bool check_interrupt_shadow_reads_bit0_only() {
    svm::vmcb_layout vmcb{};
    svm::vmcb_page page{vmcb};
    vmcb.control.interrupt_shadow = svm::int_shadow::guest_interrupt_mask.mask;
    const bool mask_only_is_no_shadow = !page.interrupt_shadow();
    vmcb.control.interrupt_shadow = svm::int_shadow::interrupt_shadow.mask;
    return mask_only_is_no_shadow && page.interrupt_shadow();
}
HVSTEP_DUAL_TEST(SvmVmcbPage, InterruptShadowReadsBit0Only, check_interrupt_shadow_reads_bit0_only)

constexpr bool check_getters_read_their_own_fields() {
    svm::vmcb_layout vmcb{};
    vmcb.save.rip = 1;
    vmcb.save.rsp = 2;
    vmcb.save.rax = 3;
    vmcb.save.sfmask = 4;
    vmcb.save.dr7 = 5;
    vmcb.control.next_rip = 6;
    vmcb.control.exit_code = 7;
    vmcb.control.exit_info1 = 8;
    vmcb.control.exit_info2 = 9;
    vmcb.control.exit_int_info = 10;
    const svm::vmcb_page page{vmcb};
    return page.rip() == 1 && page.rsp() == 2 && page.rax() == 3 && page.sfmask() == 4 && page.dr7() == 5 &&
           page.next_rip() == 6 && page.exit_code() == 7 && page.exit_info1() == 8 && page.exit_info2() == 9 &&
           page.exit_int_info() == 10;
}
HVSTEP_DUAL_TEST(SvmVmcbPage, GettersReadTheirOwnFields, check_getters_read_their_own_fields)

// Run time only (byte images): a setter touches its own field and the clean field, nothing else.
template <typename Set>
bool touches_only(std::size_t offset, std::size_t size, Set set) {
    alignas(4096) static svm::vmcb_layout vmcb;
    alignas(4096) static svm::vmcb_layout before;
    std::memset(static_cast<void*>(&vmcb), 0x5A, sizeof vmcb);
    std::memcpy(static_cast<void*>(&before), static_cast<const void*>(&vmcb), sizeof vmcb);
    svm::vmcb_page page{static_cast<void*>(&vmcb)};
    set(page);
    const auto* now = reinterpret_cast<const unsigned char*>(&vmcb);
    const auto* old = reinterpret_cast<const unsigned char*>(&before);
    for (std::size_t i = 0; i < sizeof vmcb; ++i) {
        const bool own = i >= offset && i < offset + size;
        const bool clean_field = i >= 0x0C0 && i < 0x0C4;
        if (!own && !clean_field && now[i] != old[i]) return false;
    }
    return true;
}

TEST(SvmVmcbPage, EachSetterWritesOnlyItsFieldAndTheCleanField) {
    EXPECT_TRUE(touches_only(0x570, 8, [](svm::vmcb_page& p) { p.set_rflags(0x2); }));
    EXPECT_TRUE(touches_only(0x578, 8, [](svm::vmcb_page& p) { p.set_rip(0x1000); }));
    EXPECT_TRUE(touches_only(0x640, 8, [](svm::vmcb_page& p) { p.set_cr2(0x2000); }));
    EXPECT_TRUE(touches_only(0x568, 8, [](svm::vmcb_page& p) { p.set_dr6(0xFFFF'0FF0); }));
    EXPECT_TRUE(touches_only(0x670, 8, [](svm::vmcb_page& p) { p.set_debugctl(0x2); }));
    EXPECT_TRUE(touches_only(0x0B8, 8, [](svm::vmcb_page& p) { p.set_lbr_virtualization(false); }));
    EXPECT_TRUE(touches_only(0x0A8, 8, [](svm::vmcb_page& p) { p.set_event_injection(0); }));
    EXPECT_TRUE(touches_only(0x008, 4, [](svm::vmcb_page& p) { p.set_exception_intercepts(0x2); }));
    EXPECT_TRUE(touches_only(0x00C, 4, [](svm::vmcb_page& p) { p.set_misc1_intercepts(0x1); }));
    EXPECT_TRUE(touches_only(0x010, 4, [](svm::vmcb_page& p) { p.set_misc2_intercepts(0x1); }));
    EXPECT_TRUE(touches_only(0x004, 4, [](svm::vmcb_page& p) { p.set_dr_intercepts(0x1); }));
}

TEST(SvmVmcbPage, ViewFromVoidPointerAndFromLayoutAgree) {
    alignas(4096) static svm::vmcb_layout vmcb{};
    svm::vmcb_page by_pointer{static_cast<void*>(&vmcb)};
    const svm::vmcb_page by_reference{vmcb};
    by_pointer.set_rflags(0x202);
    EXPECT_EQ(by_reference.rflags(), 0x202U);
}

}  // namespace
