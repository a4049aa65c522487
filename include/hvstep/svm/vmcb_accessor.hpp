#pragma once
// What the SVM policy needs from the hypervisor: a view of its VMCB with the
// members below. svm::vmcb_page (vmcb_page.hpp) is a ready one over the raw
// 4 KiB page; a hypervisor with its own VMCB wrapper can adapt it instead,
// and tests use an in-memory one. hvstep never executes VMRUN or touches MSRs.
//
//   rflags() set_rflags(v)   rip() set_rip(v)   next_rip()
//   dr6() set_dr6(v)   dr7() set_dr7(v)   debugctl() set_debugctl(v)
//   lbr_virtualization() set_lbr_virtualization(b)   set_cr2(v)
//   exit_code() exit_info1() exit_info2() exit_int_info()
//   event_injection() set_event_injection(v)
//   exception_intercepts() set_exception_intercepts(v)
//   misc2_intercepts() set_misc2_intercepts(v)   dr_intercepts() set_dr_intercepts(v)

#include <cstdint>
#include <type_traits>

namespace hvstep {
inline namespace v0 {
namespace svm {

namespace detail {
template <class T, class = void>
struct has_vmcb_registers : std::false_type {};
template <class T>
struct has_vmcb_registers<
    T, std::void_t<decltype(std::declval<std::uint64_t&>() = std::declval<T&>().rflags()),
                   decltype(std::declval<T&>().set_rflags(std::uint64_t{})),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().rip()),
                   decltype(std::declval<T&>().set_rip(std::uint64_t{})),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().next_rip()),
                   decltype(std::declval<T&>().set_cr2(std::uint64_t{}))>> : std::true_type {};

template <class T, class = void>
struct has_vmcb_debug_state : std::false_type {};
template <class T>
struct has_vmcb_debug_state<
    T, std::void_t<decltype(std::declval<std::uint64_t&>() = std::declval<T&>().dr6()),
                   decltype(std::declval<T&>().set_dr6(std::uint64_t{})),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().dr7()),
                   decltype(std::declval<T&>().set_dr7(std::uint64_t{})),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().debugctl()),
                   decltype(std::declval<T&>().set_debugctl(std::uint64_t{})),
                   decltype(std::declval<bool&>() = std::declval<T&>().lbr_virtualization()),
                   decltype(std::declval<T&>().set_lbr_virtualization(true))>> : std::true_type {};

template <class T, class = void>
struct has_vmcb_exit_info : std::false_type {};
template <class T>
struct has_vmcb_exit_info<
    T, std::void_t<decltype(std::declval<std::uint64_t&>() = std::declval<T&>().exit_code()),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().exit_info1()),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().exit_info2()),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().exit_int_info()),
                   decltype(std::declval<std::uint64_t&>() = std::declval<T&>().event_injection()),
                   decltype(std::declval<T&>().set_event_injection(std::uint64_t{}))>> : std::true_type {};

template <class T, class = void>
struct has_vmcb_intercepts : std::false_type {};
template <class T>
struct has_vmcb_intercepts<
    T, std::void_t<decltype(std::declval<std::uint32_t&>() = std::declval<T&>().exception_intercepts()),
                   decltype(std::declval<T&>().set_exception_intercepts(std::uint32_t{})),
                   decltype(std::declval<std::uint32_t&>() = std::declval<T&>().misc2_intercepts()),
                   decltype(std::declval<T&>().set_misc2_intercepts(std::uint32_t{})),
                   decltype(std::declval<std::uint32_t&>() = std::declval<T&>().dr_intercepts()),
                   decltype(std::declval<T&>().set_dr_intercepts(std::uint32_t{}))>> : std::true_type {};
}  // namespace detail

template <class T>
inline constexpr bool is_vmcb_view_v = detail::has_vmcb_registers<T>::value &&
                                       detail::has_vmcb_debug_state<T>::value &&
                                       detail::has_vmcb_exit_info<T>::value && detail::has_vmcb_intercepts<T>::value;

#if __cplusplus >= 202002L
template <class T>
concept vmcb_view = is_vmcb_view_v<T>;
#endif

template <class T>
constexpr bool check_vmcb_view() noexcept {
    static_assert(detail::has_vmcb_registers<T>::value,
                  "hvstep SVM policy: the VMCB view needs rflags()/set_rflags(), rip()/set_rip(), next_rip(), "
                  "set_cr2() (is this a VMCS accessor? use a vmx:: policy for those)");
    static_assert(detail::has_vmcb_debug_state<T>::value,
                  "hvstep SVM policy: the VMCB view needs dr6()/set_dr6(), dr7()/set_dr7(), debugctl()/set_debugctl(), "
                  "lbr_virtualization()/set_lbr_virtualization()");
    static_assert(detail::has_vmcb_exit_info<T>::value,
                  "hvstep SVM policy: the VMCB view needs exit_code(), exit_info1(), exit_info2(), exit_int_info(), "
                  "event_injection()/set_event_injection()");
    static_assert(detail::has_vmcb_intercepts<T>::value,
                  "hvstep SVM policy: the VMCB view needs exception_intercepts(), misc2_intercepts(), "
                  "dr_intercepts() and their setters");
    return true;
}

}  // namespace svm
}  // namespace v0
}  // namespace hvstep
