// The VMCB struct against AMD APM Vol. 2 Appendix B (Tables B-1, B-2) and the bit positions of
// the control-area words (§15.15.3 Figure 15-4, §15.16.1 Table 15-9, §15.21.5, §15.23.1).
// The layout is checked three ways: offsetof at compile time, and at run time by writing through
// vmcb_page into a real 4 KiB-aligned page and reading the bytes back at the manual's offsets.

#include "hvstep/svm/vmcb_layout.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "dual_test.hpp"
#include "hvstep/svm/vmcb_page.hpp"

namespace {

namespace svm = hvstep::svm;

// ---- Offsets of the state-save area as page offsets (400h + Table B-2) -----------------------
constexpr std::size_t save(std::size_t offset_in_save_area) { return 0x400 + offset_in_save_area; }

static_assert(sizeof(svm::vmcb_layout) == 4096, "a VMCB is one 4 KiB page");
static_assert(alignof(svm::vmcb_layout) == 4096, "VMRUN needs a 4 KiB-aligned VMCB (APM §15.5.1)");
static_assert(offsetof(svm::vmcb_layout, save) == 0x400, "state-save area at 400h");
static_assert(offsetof(svm::vmcb_layout, save) + offsetof(svm::vmcb_state_save_area, rflags) == save(0x170),
              "RFLAGS at page offset 570h");
static_assert(offsetof(svm::vmcb_layout, save) + offsetof(svm::vmcb_state_save_area, dr6) == save(0x168),
              "DR6 at page offset 568h");
static_assert(offsetof(svm::vmcb_layout, save) + offsetof(svm::vmcb_state_save_area, dbgctl) == save(0x270),
              "DBGCTL at page offset 670h");
static_assert(offsetof(svm::vmcb_segment, selector) == 0 && offsetof(svm::vmcb_segment, attrib) == 2 &&
                  offsetof(svm::vmcb_segment, limit) == 4 && offsetof(svm::vmcb_segment, base) == 8,
              "segment image: selector, attrib, limit, base");

// ---- Bit positions ---------------------------------------------------------------------------
constexpr bool check_clean_bits_follow_figure_15_4() {
    return svm::mask32(svm::clean::intercepts) == 1U << 0 && svm::mask32(svm::clean::iopm) == 1U << 1 &&
           svm::mask32(svm::clean::asid) == 1U << 2 && svm::mask32(svm::clean::tpr) == 1U << 3 &&
           svm::mask32(svm::clean::np) == 1U << 4 && svm::mask32(svm::clean::crx) == 1U << 5 &&
           svm::mask32(svm::clean::drx) == 1U << 6 && svm::mask32(svm::clean::dt) == 1U << 7 &&
           svm::mask32(svm::clean::seg) == 1U << 8 && svm::mask32(svm::clean::cr2) == 1U << 9 &&
           svm::mask32(svm::clean::lbr) == 1U << 10 && svm::mask32(svm::clean::avic) == 1U << 11 &&
           svm::mask32(svm::clean::cet) == 1U << 12 && svm::mask32(svm::clean::host_reserved) == 1U << 31;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, CleanBitsFollowFigure15_4, check_clean_bits_follow_figure_15_4)

constexpr bool check_interrupt_shadow_is_bit0_guest_interrupt_mask_bit1() {
    return svm::int_shadow::interrupt_shadow.mask == 0x1 && svm::int_shadow::guest_interrupt_mask.mask == 0x2;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, InterruptShadowIsBit0GuestInterruptMaskBit1,
                 check_interrupt_shadow_is_bit0_guest_interrupt_mask_bit1)

constexpr bool check_lbr_virtualization_enable_is_bit0_of_0b8h() {
    return svm::lbr_control::lbr_virtualization_enable.mask == 0x1 &&
           svm::lbr_control::virtualized_vmsave_vmload.mask == 0x2;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, LbrVirtualizationEnableIsBit0Of0B8h, check_lbr_virtualization_enable_is_bit0_of_0b8h)

constexpr bool check_np_enable_is_bit0_of_090h() { return svm::np_control::np_enable.mask == 0x1; }
HVSTEP_DUAL_TEST(SvmVmcbLayout, NpEnableIsBit0Of090h, check_np_enable_is_bit0_of_090h)

constexpr bool check_virtual_interrupt_fields() {
    return svm::v_intr::v_tpr.mask == 0xFF && svm::v_intr::v_irq.mask == 0x100 &&
           svm::v_intr::v_intr_prio.mask == 0xF0000 && svm::v_intr::v_ign_tpr.mask == 0x100000 &&
           svm::v_intr::v_intr_masking.mask == 0x1000000 && svm::v_intr::v_nmi_enable.mask == 0x4000000 &&
           svm::v_intr::v_intr_vector.mask == 0xFF00000000;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, VirtualInterruptFieldsAt060h, check_virtual_interrupt_fields)

constexpr bool check_tlb_control_encodings_follow_table_15_9() {
    return static_cast<std::uint8_t>(svm::tlb_command::do_not_flush) == 0x00 &&
           static_cast<std::uint8_t>(svm::tlb_command::flush_all) == 0x01 &&
           static_cast<std::uint8_t>(svm::tlb_command::flush_guest) == 0x03 &&
           static_cast<std::uint8_t>(svm::tlb_command::flush_guest_non_global) == 0x07;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, TlbControlEncodingsFollowTable15_9, check_tlb_control_encodings_follow_table_15_9)

constexpr bool check_instruction_byte_count_is_low_nibble() {
    return svm::insn_bytes::count.mask == 0xF && svm::insn_bytes::max_count == 15;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, InstructionByteCountIsLowNibbleOf0D0h, check_instruction_byte_count_is_low_nibble)

constexpr bool check_value_initialised_vmcb_is_all_zero() {
    svm::vmcb_layout vmcb{};
    return vmcb.control.vmcb_clean == 0 && vmcb.control.intercept_misc2 == 0 && vmcb.save.rflags == 0 &&
           vmcb.save.reserved_298[0xC00 - 0x298 - 1] == 0 && vmcb.control.reserved_for_host[31] == 0;
}
HVSTEP_DUAL_TEST(SvmVmcbLayout, ValueInitialisedVmcbIsAllZero, check_value_initialised_vmcb_is_all_zero)

// ---- Run time: a real page, raw bytes at the APM offsets ------------------------------------

// A zeroed 4 KiB-aligned page from the allocator, as a hypervisor would hand VMRUN.
class raw_page {
public:
    raw_page() : bytes_(static_cast<unsigned char*>(std::aligned_alloc(4096, 4096))) {
        if (bytes_ != nullptr) std::memset(bytes_, 0, 4096);
    }
    ~raw_page() { std::free(bytes_); }
    raw_page(const raw_page&) = delete;
    raw_page& operator=(const raw_page&) = delete;

    void* get() const { return bytes_; }
    template <typename T>
    T read(std::size_t offset) const {
        T value{};
        std::memcpy(&value, bytes_ + offset, sizeof value);
        return value;
    }
    template <typename T>
    void write(std::size_t offset, T value) {
        std::memcpy(bytes_ + offset, &value, sizeof value);
    }

private:
    unsigned char* bytes_;
};

TEST(SvmVmcbLayout, SettersLandOnApmOffsetsOfARawPage) {
    raw_page page;
    ASSERT_NE(page.get(), nullptr);
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(page.get()) % 4096, 0U);
    svm::vmcb_page vmcb{page.get()};

    vmcb.set_rflags(0x0000'0000'0000'0302);
    vmcb.set_dr6(0x0000'0000'FFFF'4FF0);
    vmcb.set_debugctl(0x0000'0000'0000'0003);
    vmcb.set_event_injection(0x0000'000D'8000'0B0E);
    vmcb.set_exception_intercepts(0x0004'000A);
    vmcb.set_misc1_intercepts(0x0013'0000);
    vmcb.set_misc2_intercepts(0x0000'0101);
    vmcb.set_dr_intercepts(0x00C0'0080);
    vmcb.set_lbr_virtualization(true);
    vmcb.set_rip(0xFFFF'8000'0000'2178);
    vmcb.set_cr2(0x0000'7FFF'0000'2240);

    EXPECT_EQ(page.read<std::uint64_t>(save(0x170)), 0x0000'0000'0000'0302U);  // RFLAGS
    EXPECT_EQ(page.read<std::uint64_t>(save(0x168)), 0x0000'0000'FFFF'4FF0U);  // DR6
    EXPECT_EQ(page.read<std::uint64_t>(save(0x270)), 0x0000'0000'0000'0003U);  // DBGCTL
    EXPECT_EQ(page.read<std::uint64_t>(0x0A8), 0x0000'000D'8000'0B0EU);        // EVENTINJ
    EXPECT_EQ(page.read<std::uint32_t>(0x008), 0x0004'000AU);                  // exceptions
    EXPECT_EQ(page.read<std::uint32_t>(0x00C), 0x0013'0000U);                  // misc1
    EXPECT_EQ(page.read<std::uint32_t>(0x010), 0x0000'0101U);                  // misc2
    EXPECT_EQ(page.read<std::uint32_t>(0x004), 0x00C0'0080U);                  // DR
    EXPECT_EQ(page.read<std::uint64_t>(0x0B8), 0x1U);                          // LBR_VIRTUALIZATION_ENABLE
    EXPECT_EQ(page.read<std::uint64_t>(save(0x178)), 0xFFFF'8000'0000'2178U);  // RIP
    EXPECT_EQ(page.read<std::uint64_t>(save(0x240)), 0x0000'7FFF'0000'2240U);  // CR2
    EXPECT_EQ(page.read<std::uint32_t>(0x0C0), 0U);  // a fresh page's clean field stays zero
}

TEST(SvmVmcbLayout, GettersReadApmOffsetsOfARawPage) {
    raw_page page;
    ASSERT_NE(page.get(), nullptr);
    // Distinct values so that a getter aimed at a neighbouring field cannot pass by accident.
    page.write<std::uint64_t>(0x070, 0x41);                      // EXITCODE
    page.write<std::uint64_t>(0x078, 0x1111'0000'0000'0078);     // EXITINFO1
    page.write<std::uint64_t>(0x080, 0x2222'0000'0000'0080);     // EXITINFO2
    page.write<std::uint64_t>(0x088, 0x0000'0000'8000'0301);     // EXITINTINFO
    page.write<std::uint64_t>(0x068, 0x1);                       // INTERRUPT_SHADOW
    page.write<std::uint64_t>(0x0C8, 0xFFFF'8000'0000'10C8);     // nRIP
    page.write<std::uint64_t>(save(0x178), 0xFFFF'8000'0000'1178);  // RIP
    page.write<std::uint64_t>(save(0x1D8), 0xFFFF'8000'0000'11D8);  // RSP
    page.write<std::uint64_t>(save(0x1F8), 0x0000'0000'0000'11F8);  // RAX
    page.write<std::uint64_t>(save(0x160), 0x0000'0000'0000'0401);  // DR7
    page.write<std::uint64_t>(save(0x218), 0x0000'0000'0004'7700);  // SFMASK
    page.write<std::uint64_t>(save(0x168), 0x0000'0000'FFFF'0FF0);  // DR6
    page.write<std::uint64_t>(save(0x170), 0x0000'0000'0000'0102);  // RFLAGS
    page.write<std::uint64_t>(save(0x270), 0x0000'0000'0000'0002);  // DBGCTL

    const svm::vmcb_page vmcb{page.get()};
    EXPECT_EQ(vmcb.exit_code(), 0x41U);
    EXPECT_EQ(vmcb.exit_info1(), 0x1111'0000'0000'0078U);
    EXPECT_EQ(vmcb.exit_info2(), 0x2222'0000'0000'0080U);
    EXPECT_EQ(vmcb.exit_int_info(), 0x0000'0000'8000'0301U);
    EXPECT_TRUE(vmcb.interrupt_shadow());
    EXPECT_EQ(vmcb.next_rip(), 0xFFFF'8000'0000'10C8U);
    EXPECT_EQ(vmcb.rip(), 0xFFFF'8000'0000'1178U);
    EXPECT_EQ(vmcb.rsp(), 0xFFFF'8000'0000'11D8U);
    EXPECT_EQ(vmcb.rax(), 0x0000'0000'0000'11F8U);
    EXPECT_EQ(vmcb.dr7(), 0x0000'0000'0000'0401U);
    EXPECT_EQ(vmcb.sfmask(), 0x0000'0000'0004'7700U);
    EXPECT_EQ(vmcb.dr6(), 0x0000'0000'FFFF'0FF0U);
    EXPECT_EQ(vmcb.rflags(), 0x0000'0000'0000'0102U);
    EXPECT_EQ(vmcb.debugctl(), 0x0000'0000'0000'0002U);
    EXPECT_FALSE(vmcb.lbr_virtualization());
}

TEST(SvmVmcbLayout, StructMembersAliasApmOffsetsOfARawPage) {
    alignas(4096) static unsigned char storage[4096];
    std::memset(storage, 0, sizeof storage);
    svm::vmcb_layout* const vmcb = ::new (static_cast<void*>(storage)) svm::vmcb_layout{};
    const auto* const bytes = reinterpret_cast<const unsigned char*>(vmcb);
    ASSERT_EQ(static_cast<const void*>(bytes), static_cast<const void*>(storage));

    vmcb->control.vmcb_clean = 0xA5A5'0C0C;
    vmcb->control.nested_cr3 = 0x0000'0000'1234'5000;
    vmcb->control.guest_asid = 0x0000'0058;
    vmcb->control.tlb_control = static_cast<std::uint8_t>(svm::tlb_command::flush_guest);
    vmcb->control.guest_instruction_bytes_count = 3;
    vmcb->control.guest_instruction_bytes[14] = 0xDF;
    vmcb->save.cs.selector = 0x0010;
    vmcb->save.cs.base = 0x0000'0000'0001'0018;
    vmcb->save.tr.limit = 0x0000'0067;
    vmcb->save.cpl = 3;
    vmcb->save.efer = 0x0000'0000'0000'1D01;
    vmcb->save.cr2 = 0x0000'7FFF'0000'0240;
    vmcb->save.last_excp_to = 0xFFFF'8000'0000'0290;

    std::uint64_t u64 = 0;
    std::uint32_t u32 = 0;
    std::uint16_t u16 = 0;
    std::memcpy(&u32, bytes + 0x0C0, 4);
    EXPECT_EQ(u32, 0xA5A5'0C0CU);
    std::memcpy(&u64, bytes + 0x0B0, 8);
    EXPECT_EQ(u64, 0x0000'0000'1234'5000U);
    std::memcpy(&u32, bytes + 0x058, 4);
    EXPECT_EQ(u32, 0x58U);
    EXPECT_EQ(bytes[0x05C], 0x03U);
    EXPECT_EQ(bytes[0x0D0], 3U);
    EXPECT_EQ(bytes[0x0DF], 0xDFU);
    std::memcpy(&u16, bytes + save(0x010), 2);
    EXPECT_EQ(u16, 0x0010U);
    std::memcpy(&u64, bytes + save(0x018), 8);
    EXPECT_EQ(u64, 0x0000'0000'0001'0018U);
    std::memcpy(&u32, bytes + save(0x094), 4);
    EXPECT_EQ(u32, 0x67U);
    EXPECT_EQ(bytes[save(0x0CB)], 3U);
    std::memcpy(&u64, bytes + save(0x0D0), 8);
    EXPECT_EQ(u64, 0x0000'0000'0000'1D01U);
    std::memcpy(&u64, bytes + save(0x240), 8);
    EXPECT_EQ(u64, 0x0000'7FFF'0000'0240U);
    std::memcpy(&u64, bytes + save(0x290), 8);
    EXPECT_EQ(u64, 0xFFFF'8000'0000'0290U);
}

}  // namespace
