#pragma once
// What a VMX policy needs from the hypervisor: VMREAD/VMWRITE by field, and
// the guest's DR6 and CR2, which live in the processor and not in the VMCS
// (SDM Vol. 3C §25.4.1 lists the guest register state; DR6 and CR2 are not in
// it, so the hypervisor switches them itself). hvstep never executes VMREAD,
// VMWRITE or MOV DR: hardware is reached only through this accessor, which
// tests replace with a map (Bareflank's "mocked by type" rule).
//
//   struct my_vmcs {
//       std::uint64_t read(hvstep::vmx::vmcs_field f) noexcept;          // VMREAD
//       void write(hvstep::vmx::vmcs_field f, std::uint64_t v) noexcept;  // VMWRITE
//       std::uint64_t read_dr6() noexcept;                                // guest DR6
//       void write_dr6(std::uint64_t v) noexcept;
//       void write_cr2(std::uint64_t v) noexcept;                         // guest CR2
//   };

#include <cstdint>
#include <type_traits>

#include "hvstep/vmx/vmcs_field.hpp"

namespace hvstep {
inline namespace v0 {
namespace vmx {

namespace detail {
template <class T, class = void>
struct has_vmcs_read : std::false_type {};
template <class T>
struct has_vmcs_read<T, std::void_t<decltype(std::declval<std::uint64_t&>() = std::declval<T&>().read(vmcs_field{}))>>
    : std::true_type {};

template <class T, class = void>
struct has_vmcs_write : std::false_type {};
template <class T>
struct has_vmcs_write<T, std::void_t<decltype(std::declval<T&>().write(vmcs_field{}, std::uint64_t{}))>>
    : std::true_type {};

template <class T, class = void>
struct has_guest_dr6 : std::false_type {};
template <class T>
struct has_guest_dr6<T, std::void_t<decltype(std::declval<std::uint64_t&>() = std::declval<T&>().read_dr6()),
                                    decltype(std::declval<T&>().write_dr6(std::uint64_t{}))>> : std::true_type {};

template <class T, class = void>
struct has_guest_cr2 : std::false_type {};
template <class T>
struct has_guest_cr2<T, std::void_t<decltype(std::declval<T&>().write_cr2(std::uint64_t{}))>> : std::true_type {};
}  // namespace detail

template <class T>
inline constexpr bool is_vmcs_accessor_v = detail::has_vmcs_read<T>::value && detail::has_vmcs_write<T>::value &&
                                           detail::has_guest_dr6<T>::value && detail::has_guest_cr2<T>::value;

#if __cplusplus >= 202002L
template <class T>
concept vmcs_accessor = is_vmcs_accessor_v<T>;
#endif

// The one readable error a policy gives for a wrong accessor, in every standard.
template <class T>
constexpr bool check_vmcs_accessor() noexcept {
    static_assert(detail::has_vmcs_read<T>::value,
                  "hvstep VMX policy: the accessor needs `std::uint64_t read(hvstep::vmx::vmcs_field)` (VMREAD)");
    static_assert(detail::has_vmcs_write<T>::value,
                  "hvstep VMX policy: the accessor needs `void write(hvstep::vmx::vmcs_field, std::uint64_t)` (VMWRITE)");
    static_assert(detail::has_guest_dr6<T>::value,
                  "hvstep VMX policy: the accessor needs `read_dr6()` and `write_dr6(std::uint64_t)` for the guest DR6");
    static_assert(detail::has_guest_cr2<T>::value,
                  "hvstep VMX policy: the accessor needs `write_cr2(std::uint64_t)` for the guest CR2");
    return true;
}

}  // namespace vmx
}  // namespace v0
}  // namespace hvstep
