#pragma once
// The 32-bit encoding that VMREAD/VMWRITE take to name a VMCS field.
// Intel SDM Vol. 3C §25.11.2 "VMREAD, VMWRITE, and Encodings of VMCS Fields"
// (Table "Structure of VMCS Component Encoding") and Appendix B "Field Encoding in VMCS".
//
// The encoding is computed from its parts rather than written as a literal, so
// that a field's width and type (which decide how a hypervisor's accessor must
// read it) can never disagree with its number.

#include <cstdint>

#include "hvstep/x86/bits.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

// Bit 0: full field, or the high 32 bits of a 64-bit field (§25.11.2). Only
// 64-bit fields have a "high" encoding; for other widths the processor reports
// VMfailValid "unsupported VMCS component".
enum class access_type : std::uint8_t { full = 0, high = 1 };

// Bits 14:13 (§25.11.2). Natural width is 64 bits on processors that support
// Intel 64 architecture, 32 bits otherwise.
enum class field_width : std::uint8_t { word16 = 0, word64 = 1, word32 = 2, natural = 3 };

// Bits 11:10 (§25.11.2). "Exit information" is the SDM's "VM-exit information"
// (read-only data) area; writable only where IA32_VMX_MISC bit 29 says so (Appendix A.6).
enum class field_type : std::uint8_t { control = 0, exit_information = 1, guest_state = 2, host_state = 3 };

namespace encoding {

// Access type (§25.11.2).
inline constexpr x86::field<0> access{};
// Index: distinguishes fields of the same width and type (§25.11.2).
inline constexpr x86::field<1, 9> index{};
// Field type (§25.11.2).
inline constexpr x86::field<10, 2> type{};
// Reserved, must be 0 (§25.11.2).
inline constexpr x86::field<12> reserved_bit_12{};
// Width (§25.11.2).
inline constexpr x86::field<13, 2> width{};
// Bits 31:15 are reserved and must be 0 (§25.11.2).
inline constexpr x86::field<15, 17> reserved_high{};

// The largest index the 9-bit index field can carry.
inline constexpr std::uint32_t max_index = static_cast<std::uint32_t>(index.mask >> index.position);

}  // namespace encoding

// The encoding of a VMCS field from its parts (§25.11.2). `index` is taken
// modulo 512: bits above the 9-bit index field are dropped, so the result
// always has the reserved bits clear.
constexpr std::uint32_t encode(access_type access, field_width width, field_type type,
                               std::uint32_t index) noexcept {
    std::uint64_t raw = 0;
    raw = encoding::access.set(raw, static_cast<std::uint64_t>(access));
    raw = encoding::index.set(raw, index);
    raw = encoding::type.set(raw, static_cast<std::uint64_t>(type));
    raw = encoding::width.set(raw, static_cast<std::uint64_t>(width));
    return static_cast<std::uint32_t>(raw);
}

// Decoders. Each is total: any 32-bit value yields one of the enumerators
// (the two-bit and one-bit fields have no unnamed values).
constexpr access_type access_of(std::uint32_t raw) noexcept {
    return static_cast<access_type>(encoding::access.get(raw));
}
constexpr field_width width_of(std::uint32_t raw) noexcept {
    return static_cast<field_width>(encoding::width.get(raw));
}
constexpr field_type type_of(std::uint32_t raw) noexcept {
    return static_cast<field_type>(encoding::type.get(raw));
}
constexpr std::uint32_t index_of(std::uint32_t raw) noexcept {
    return static_cast<std::uint32_t>(encoding::index.get(raw));
}

// Whether `raw` is well formed per §25.11.2: reserved bits 12 and 31:15 clear,
// and the high access type used only with a 64-bit width. (A well-formed
// encoding may still name a field the processor does not implement; IA32_VMX_VMCS_ENUM,
// Appendix A.9, gives the highest index in use.)
constexpr bool is_well_formed(std::uint32_t raw) noexcept {
    return !encoding::reserved_bit_12.is_set(raw) && !encoding::reserved_high.is_set(raw) &&
           (access_of(raw) == access_type::full || width_of(raw) == field_width::word64);
}

// Size in bytes of a field of the given width, with natural width taken as 64
// bits (hvstep targets processors that support Intel 64 architecture, §25.11.2).
constexpr std::uint32_t size_in_bytes(field_width width) noexcept {
    switch (width) {
        case field_width::word16:
            return 2;
        case field_width::word32:
            return 4;
        case field_width::word64:
        case field_width::natural:
            return 8;
    }
    return 8;
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
