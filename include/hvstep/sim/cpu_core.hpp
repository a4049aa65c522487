#pragma once
// What one instruction's execution needs: the CPU state, guest memory, the
// platform, the intercept configuration the virtualization layer loaded, and
// the data-breakpoint matches of the current instruction. Memory accesses go
// through here so that #PF and DR0-DR3 data breakpoints are seen on every one.

#include <cstdint>
#include <string>

#include "hvstep/sim/cpu_state.hpp"
#include "hvstep/sim/decoder.hpp"
#include "hvstep/sim/events.hpp"
#include "hvstep/sim/memory.hpp"
#include "hvstep/sim/platform.hpp"

namespace hvstep {
inline namespace v0 {
namespace sim {

// What the virtualization layer intercepts while the guest runs. Natively all false.
struct intercept_config {
    std::uint32_t exceptions = 0;  // bit n: exception vector n exits instead of being delivered
    bool cpuid = false, io = false, msr = false, hlt = false;
    bool pushf = false, popf = false, iret = false, intn = false, icebp = false;
    std::uint8_t dr_read = 0, dr_write = 0;  // bit n: MOV from / to DRn exits
    bool mtf = false, interrupt_window = false, nmi_window = false;
    // Vendor behaviour of a #DB that exits: SVM writes DR6 and clears DR7.GD first (APM §15.12.2),
    // VMX leaves both alone and reports the conditions in the exit qualification (SDM §27.1).
    bool db_exit_updates_dr6 = false;
};

struct cpu_core {
    cpu_state s{};
    guest_memory& mem;
    platform& plat;
    vendor vend = vendor::intel;
    intercept_config icpt{};
    std::uint64_t data_hits = 0;  // B0-B3 matched by this instruction's data accesses
    event fault{};                // the fault an access raised
    bool faulted = false;

    cpu_core(guest_memory& m, platform& p) : mem(m), plat(p) {}

    std::uint64_t& reg(unsigned n) { return s.gpr[n & 15u]; }

    // Data breakpoints (SDM Vol. 3B §18.2.4: R/W 01 = writes, 11 = reads and writes).
    void check_data_bp(std::uint64_t address, unsigned n, bool write) {
        for (unsigned k = 0; k < 4; ++k) {
            if (!dr::enabled(s.dr7, k)) continue;
            const unsigned rw = dr::rw(s.dr7, k);
            if (rw == 0 || rw == 2 || (rw == 1 && !write)) continue;
            const unsigned len = dr::len_bytes(s.dr7, k);
            const std::uint64_t lo = s.dr03[k] & ~std::uint64_t{len - 1};
            if (address < lo + len && lo < address + n) data_hits |= 1u << k;
        }
    }
    bool page_fault(const mem_fault& f) {
        faulted = true;
        fault = event{};
        fault.vector = vec::pf;
        fault.has_error = true;
        fault.error = f.error_code | (s.cpl() == 3 ? 4u : 0u);
        fault.fault = true;
        fault.cr2 = f.address;
        return false;
    }
    bool raise(std::uint8_t vector, std::uint32_t error = 0) {
        faulted = true;
        fault = event{};
        fault.vector = vector;
        fault.has_error = pushes_error_code(vector);
        fault.error = error;
        fault.fault = true;
        return false;
    }
    bool read(std::uint64_t a, unsigned n, std::uint64_t& v) {
        const mem_fault f = mem.read_uint(a, n, v);
        if (f.faulted) return page_fault(f);
        check_data_bp(a, n, false);
        return true;
    }
    bool write(std::uint64_t a, unsigned n, std::uint64_t v) {
        std::uint64_t probe;  // a write faults before it changes anything
        if (mem.read_uint(a, n, probe).faulted) return page_fault(mem.write_uint(a, n, v));
        (void)mem.write_uint(a, n, v);
        check_data_bp(a, n, true);
        return true;
    }
    bool push(unsigned n, std::uint64_t v) {
        const std::uint64_t sp = s.gpr[gpr::rsp] - n;
        if (!write(sp, n, v)) return false;
        s.gpr[gpr::rsp] = sp;
        return true;
    }
    bool pop(unsigned n, std::uint64_t& v) {
        if (!read(s.gpr[gpr::rsp], n, v)) return false;
        s.gpr[gpr::rsp] += n;
        return true;
    }

    std::uint64_t effective_address(const operand& o, const insn& i) const {
        std::uint64_t a = static_cast<std::uint64_t>(o.disp);
        if (o.rip_relative) return s.rip + i.length + a;
        if (o.base != 0xFF) a += s.gpr[o.base];
        if (o.index != 0xFF) a += s.gpr[o.index] * o.scale;
        return a;
    }
    static std::uint64_t mask_of(unsigned size) { return size >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * size)) - 1; }

    bool get(const operand& o, const insn& i, unsigned size, std::uint64_t& v) {
        switch (o.kind) {
            case operand::k_reg:
                v = o.high8 ? (s.gpr[o.reg] >> 8) & 0xFF : s.gpr[o.reg] & mask_of(size);
                return true;
            case operand::k_imm: v = o.value & mask_of(size); return true;
            case operand::k_mem: return read(effective_address(o, i), size, v);
            default: v = 0; return true;
        }
    }
    // Register writes of 32 bits zero the upper half; 8 and 16 bits merge (SDM Vol. 1 §3.4.1.1).
    bool set(const operand& o, const insn& i, unsigned size, std::uint64_t v) {
        v &= mask_of(size);
        if (o.kind == operand::k_mem) return write(effective_address(o, i), size, v);
        std::uint64_t& r = s.gpr[o.reg];
        if (o.high8) r = (r & ~std::uint64_t{0xFF00}) | (v << 8);
        else if (size == 4) r = v;
        else r = (r & ~mask_of(size)) | v;
        return true;
    }
};

}  // namespace sim
}  // namespace v0
}  // namespace hvstep
