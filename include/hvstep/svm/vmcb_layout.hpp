#pragma once
// The 4 KiB virtual machine control block (VMCB) as a plain struct.
// AMD APM Vol. 2 Appendix B "Layout of VMCB": Table B-1 "VMCB Layout, Control Area" (offsets 000h-3FFh)
// and Table B-2 "VMCB Layout, State Save Area" (offsets relative to 400h). Every member is a
// fixed-width integer at its natural alignment, so the compiler inserts no padding and the offsets
// below are the manual's; reserved ranges are spelled out as byte arrays named after their offset.
// Reserved and SBZ ("should be zero") areas must stay zero (§15.5.1), which value-initialisation
// (`vmcb_layout{}`) gives.

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace svm {

// VMRUN takes the physical address of a 4 KiB-aligned page (APM §15.5.1 "Basic Operation").
inline constexpr std::size_t vmcb_size = 4096;
// The state-save area starts at 400h (APM Appendix B, Table B-2).
inline constexpr std::size_t state_save_area_offset = 0x400;

// A segment register image: selector, attributes, limit, base (APM Appendix B, Table B-2).
struct vmcb_segment {
    std::uint16_t selector;
    std::uint16_t attrib;
    std::uint32_t limit;
    std::uint64_t base;
};

struct vmcb_control_area {
    std::uint32_t intercept_cr;          // 000h: 15:0 CR0-15 reads, 31:16 CR0-15 writes
    std::uint32_t intercept_dr;          // 004h: 15:0 DR0-15 reads, 31:16 DR0-15 writes
    std::uint32_t intercept_exceptions;  // 008h: bit n intercepts exception vector n
    std::uint32_t intercept_misc1;       // 00Ch: see svm/intercepts.hpp
    std::uint32_t intercept_misc2;       // 010h
    std::uint32_t intercept_misc3;       // 014h
    std::uint8_t reserved_018[0x03C - 0x018];
    std::uint16_t pause_filter_threshold;  // 03Ch
    std::uint16_t pause_filter_count;      // 03Eh
    std::uint64_t iopm_base_pa;            // 040h
    std::uint64_t msrpm_base_pa;           // 048h
    std::uint64_t tsc_offset;              // 050h
    std::uint32_t guest_asid;              // 058h
    std::uint8_t tlb_control;              // 05Ch: svm::tlb_command
    std::uint8_t reserved_05d[3];
    std::uint64_t virtual_interrupt;       // 060h: svm::v_intr fields
    std::uint64_t interrupt_shadow;        // 068h: svm::int_shadow fields
    std::uint64_t exit_code;               // 070h: EXITCODE, svm/exit_code.hpp
    std::uint64_t exit_info1;              // 078h
    std::uint64_t exit_info2;              // 080h
    std::uint64_t exit_int_info;           // 088h: EXITINTINFO, svm/event_injection.hpp
    std::uint64_t nested_control;          // 090h: svm::np_control fields
    std::uint64_t avic_apic_bar;           // 098h
    std::uint64_t ghcb_pa;                 // 0A0h
    std::uint64_t event_injection;         // 0A8h: EVENTINJ, svm/event_injection.hpp
    std::uint64_t nested_cr3;              // 0B0h: N_CR3
    std::uint64_t lbr_virtualization_enable;  // 0B8h: svm::lbr_control fields
    std::uint32_t vmcb_clean;              // 0C0h: svm::clean fields
    std::uint32_t reserved_0c4;
    std::uint64_t next_rip;                // 0C8h: nRIP
    std::uint8_t guest_instruction_bytes_count;  // 0D0h: svm::insn_bytes::count
    std::uint8_t guest_instruction_bytes[15];    // 0D1h-0DFh
    std::uint64_t avic_backing_page;       // 0E0h
    std::uint8_t reserved_0e8[8];
    std::uint64_t avic_logical_table;      // 0F0h
    std::uint64_t avic_physical_table;     // 0F8h
    std::uint8_t reserved_100[8];
    std::uint64_t vmsa_pa;                 // 108h: SEV-ES save-area pointer
    std::uint8_t reserved_110[0x3E0 - 0x110];
    std::uint8_t reserved_for_host[0x400 - 0x3E0];  // 3E0h-3FFh: never read by the processor
};

struct vmcb_state_save_area {  // offsets relative to 400h
    vmcb_segment es;    // 000h
    vmcb_segment cs;    // 010h
    vmcb_segment ss;    // 020h
    vmcb_segment ds;    // 030h
    vmcb_segment fs;    // 040h
    vmcb_segment gs;    // 050h
    vmcb_segment gdtr;  // 060h
    vmcb_segment ldtr;  // 070h
    vmcb_segment idtr;  // 080h
    vmcb_segment tr;    // 090h
    std::uint8_t reserved_0a0[0x0CB - 0x0A0];
    std::uint8_t cpl;   // 0CBh
    std::uint8_t reserved_0cc[4];
    std::uint64_t efer;  // 0D0h
    std::uint8_t reserved_0d8[0x148 - 0x0D8];
    std::uint64_t cr4;     // 148h
    std::uint64_t cr3;     // 150h
    std::uint64_t cr0;     // 158h
    std::uint64_t dr7;     // 160h
    std::uint64_t dr6;     // 168h
    std::uint64_t rflags;  // 170h
    std::uint64_t rip;     // 178h
    std::uint8_t reserved_180[0x1D8 - 0x180];
    std::uint64_t rsp;        // 1D8h
    std::uint64_t s_cet;      // 1E0h
    std::uint64_t ssp;        // 1E8h
    std::uint64_t isst_addr;  // 1F0h
    std::uint64_t rax;        // 1F8h
    std::uint64_t star;            // 200h
    std::uint64_t lstar;           // 208h
    std::uint64_t cstar;           // 210h
    std::uint64_t sfmask;          // 218h
    std::uint64_t kernel_gs_base;  // 220h
    std::uint64_t sysenter_cs;     // 228h
    std::uint64_t sysenter_esp;    // 230h
    std::uint64_t sysenter_eip;    // 238h
    std::uint64_t cr2;             // 240h
    std::uint8_t reserved_248[0x268 - 0x248];
    std::uint64_t g_pat;           // 268h
    std::uint64_t dbgctl;          // 270h: guest DebugCtl, used only with LBR virtualization
    std::uint64_t br_from;         // 278h
    std::uint64_t br_to;           // 280h
    std::uint64_t last_excp_from;  // 288h
    std::uint64_t last_excp_to;    // 290h
    // 298h onwards (SPEC_CTRL, the SEV-ES register block, ...) is not used by hvstep.
    std::uint8_t reserved_298[0xC00 - 0x298];
};

struct alignas(vmcb_size) vmcb_layout {
    vmcb_control_area control;   // page offset 000h
    vmcb_state_save_area save;   // page offset 400h
};

// ---- Layout proofs against APM Appendix B ----------------------------------------------------
static_assert(sizeof(vmcb_segment) == 16 && std::is_standard_layout<vmcb_segment>::value,
              "APM Table B-2: a segment image is 16 bytes");
static_assert(sizeof(vmcb_control_area) == 0x400, "APM Table B-1: control area is 000h-3FFh");
static_assert(sizeof(vmcb_state_save_area) == vmcb_size - state_save_area_offset,
              "APM Table B-2: state-save area fills the page from 400h");
static_assert(sizeof(vmcb_layout) == vmcb_size && alignof(vmcb_layout) == vmcb_size,
              "a VMCB is one 4 KiB-aligned page");
static_assert(std::is_standard_layout<vmcb_layout>::value && std::is_trivially_copyable<vmcb_layout>::value,
              "the VMCB must be a plain byte image");
static_assert(offsetof(vmcb_layout, control) == 0 && offsetof(vmcb_layout, save) == state_save_area_offset,
              "APM Appendix B: control area at 000h, state-save area at 400h");

static_assert(offsetof(vmcb_control_area, intercept_cr) == 0x000, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, intercept_dr) == 0x004, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, intercept_exceptions) == 0x008, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, intercept_misc1) == 0x00C, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, intercept_misc2) == 0x010, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, intercept_misc3) == 0x014, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, pause_filter_threshold) == 0x03C, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, pause_filter_count) == 0x03E, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, iopm_base_pa) == 0x040, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, msrpm_base_pa) == 0x048, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, tsc_offset) == 0x050, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, guest_asid) == 0x058, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, tlb_control) == 0x05C, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, virtual_interrupt) == 0x060, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, interrupt_shadow) == 0x068, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, exit_code) == 0x070, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, exit_info1) == 0x078, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, exit_info2) == 0x080, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, exit_int_info) == 0x088, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, nested_control) == 0x090, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, avic_apic_bar) == 0x098, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, ghcb_pa) == 0x0A0, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, event_injection) == 0x0A8, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, nested_cr3) == 0x0B0, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, lbr_virtualization_enable) == 0x0B8, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, vmcb_clean) == 0x0C0, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, next_rip) == 0x0C8, "APM Table B-1, §15.7.1");
static_assert(offsetof(vmcb_control_area, guest_instruction_bytes_count) == 0x0D0, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, guest_instruction_bytes) == 0x0D1, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, avic_backing_page) == 0x0E0, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, avic_logical_table) == 0x0F0, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, avic_physical_table) == 0x0F8, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, vmsa_pa) == 0x108, "APM Table B-1");
static_assert(offsetof(vmcb_control_area, reserved_for_host) == 0x3E0, "APM Table B-1");

static_assert(offsetof(vmcb_state_save_area, es) == 0x000, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cs) == 0x010, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, ss) == 0x020, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, ds) == 0x030, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, fs) == 0x040, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, gs) == 0x050, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, gdtr) == 0x060, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, ldtr) == 0x070, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, idtr) == 0x080, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, tr) == 0x090, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cpl) == 0x0CB, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, efer) == 0x0D0, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cr4) == 0x148, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cr3) == 0x150, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cr0) == 0x158, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, dr7) == 0x160, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, dr6) == 0x168, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, rflags) == 0x170, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, rip) == 0x178, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, rsp) == 0x1D8, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, s_cet) == 0x1E0, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, ssp) == 0x1E8, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, isst_addr) == 0x1F0, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, rax) == 0x1F8, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, star) == 0x200, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, lstar) == 0x208, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cstar) == 0x210, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, sfmask) == 0x218, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, kernel_gs_base) == 0x220, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, sysenter_cs) == 0x228, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, sysenter_esp) == 0x230, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, sysenter_eip) == 0x238, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, cr2) == 0x240, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, g_pat) == 0x268, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, dbgctl) == 0x270, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, br_from) == 0x278, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, br_to) == 0x280, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, last_excp_from) == 0x288, "APM Table B-2");
static_assert(offsetof(vmcb_state_save_area, last_excp_to) == 0x290, "APM Table B-2");

// ---- Fields inside control-area words -------------------------------------------------------

// The intercept vectors and the clean field are 32-bit words; a field's 64-bit `.mask`
// narrowed to such a word, refusing fields that do not fit in it.
template <unsigned Position, unsigned Width>
constexpr std::uint32_t mask32(x86::field<Position, Width>) noexcept {
    static_assert(Position + Width <= 32, "field does not fit a 32-bit VMCB word");
    return static_cast<std::uint32_t>(x86::field<Position, Width>::mask);
}

// TLB_CONTROL (05Ch, bits 7:0): APM §15.16.1 "TLB Flush", Table 15-9 "TLB Control Byte Encodings".
enum class tlb_command : std::uint8_t {
    do_not_flush = 0x00,
    flush_all = 0x01,               // every ASID; meant for legacy hardware
    flush_guest = 0x03,             // this guest's entries (CPUID Fn8000_000A_EDX[FlushByAsid])
    flush_guest_non_global = 0x07,  // this guest's non-global entries (same CPUID bit)
};

// Virtual interrupt control (060h): APM Table B-1; §15.21.4 "Injecting Virtual (INTR) Interrupts",
// §15.21.10 "NMI Virtualization".
namespace v_intr {
inline constexpr x86::field<0, 8> v_tpr{};        // only bits 3:0 are the TPR; 7:4 SBZ
inline constexpr x86::field<8> v_irq{};           // a virtual interrupt is pending
inline constexpr x86::field<9> vgif{};            // virtual GIF value (§15.33)
inline constexpr x86::field<11> v_nmi{};          // a virtual NMI is pending
inline constexpr x86::field<12> v_nmi_mask{};     // virtual NMIs are blocked
inline constexpr x86::field<16, 4> v_intr_prio{};
inline constexpr x86::field<20> v_ign_tpr{};
inline constexpr x86::field<24> v_intr_masking{};
inline constexpr x86::field<25> vgif_enable{};
inline constexpr x86::field<26> v_nmi_enable{};
inline constexpr x86::field<31> avic_enable{};
inline constexpr x86::field<32, 8> v_intr_vector{};
}  // namespace v_intr

// Interrupt state (068h): APM Table B-1; §15.21.5 "Interrupt Shadows". Loaded by VMRUN and saved by
// #VMEXIT, never cached (§15.15.3). An STI or MOV SS shadow shows up here as INTERRUPT_SHADOW.
namespace int_shadow {
inline constexpr x86::field<0> interrupt_shadow{};      // guest is in an interrupt shadow
inline constexpr x86::field<1> guest_interrupt_mask{};  // guest RFLAGS.IF when V_INTR_MASKING is on
}  // namespace int_shadow

// Nested-paging and encryption enables (090h): APM Table B-1; §15.25 "Nested Paging".
namespace np_control {
inline constexpr x86::field<0> np_enable{};
inline constexpr x86::field<1> sev_enable{};     // §15.34 "Secure Encrypted Virtualization"
inline constexpr x86::field<2> sev_es_enable{};  // §15.35 "Encrypted State (SEV-ES)"
}  // namespace np_control

// Virtualization extensions (0B8h): APM Table B-1; §15.23.1 "Hardware Acceleration for LBR
// Virtualization". Without LBR_VIRTUALIZATION_ENABLE, VMRUN does not load the guest DBGCTL from
// the save area: the guest then runs with whatever DebugCtl the host has.
namespace lbr_control {
inline constexpr x86::field<0> lbr_virtualization_enable{};
inline constexpr x86::field<1> virtualized_vmsave_vmload{};
}  // namespace lbr_control

// VMCB Clean field (0C0h): APM §15.15.3 "VMCB Clean Field", Figure 15-4. A set bit lets VMRUN use
// its cached copy of the listed state; the hypervisor must clear the bit whenever it writes that
// state (§15.15.2). TLB_CONTROL, the interrupt shadow, the exit-status fields, EVENTINJ, RFLAGS,
// RIP, RSP and RAX are never cached and have no bit.
namespace clean {
inline constexpr x86::field<0> intercepts{};  // all intercept vectors, TSC offset, pause filter
inline constexpr x86::field<1> iopm{};        // IOPM_BASE_PA, MSRPM_BASE_PA
inline constexpr x86::field<2> asid{};
inline constexpr x86::field<3> tpr{};         // 060h-067h: V_TPR, V_IRQ, V_INTR_*, V_IGN_TPR
inline constexpr x86::field<4> np{};          // N_CR3, G_PAT
inline constexpr x86::field<5> crx{};         // CR0, CR3, CR4, EFER
inline constexpr x86::field<6> drx{};         // DR6, DR7
inline constexpr x86::field<7> dt{};          // GDTR, IDTR
inline constexpr x86::field<8> seg{};         // CS, DS, SS, ES, CPL
inline constexpr x86::field<9> cr2{};
inline constexpr x86::field<10> lbr{};        // DBGCTL, BR_FROM/TO, LASTEXCP_FROM/TO
inline constexpr x86::field<11> avic{};       // AVIC APIC_BAR, backing page, logical/physical tables
inline constexpr x86::field<12> cet{};        // S_CET, SSP, ISST_ADDR
inline constexpr x86::field<31> host_reserved{};  // never a clean bit: free for the hypervisor
}  // namespace clean

// Guest instruction bytes (0D0h): APM §15.8.4 "Nested and Intercepted #PF", Table 15-6. Filled
// only on nested or intercepted data page faults; every other intercept zeroes the count.
namespace insn_bytes {
inline constexpr x86::field<0, 4> count{};
inline constexpr std::size_t max_count = 15;
}  // namespace insn_bytes

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
