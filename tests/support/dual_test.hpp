#pragma once
// Bareflank's rule: a check of constexpr logic runs twice, once at compile time
// (static_assert) and once at run time under GoogleTest, so a constant-folding
// compiler bug and a run-time-only bug (uninitialised read, UB the constant
// evaluator would have rejected, sanitizer findings) are both caught.
//
// Usage: write `constexpr bool check_something() { ... return ok; }` and then
//   HVSTEP_DUAL_TEST(Suite, Name, check_something)
// The run-time call goes through a volatile function pointer so the optimiser
// cannot fold it into the compile-time answer.

#include <gtest/gtest.h>

namespace hvstep_test {
inline bool run_at_runtime(bool (*check)()) {
    bool (*volatile opaque)() = check;
    return opaque();
}
}  // namespace hvstep_test

#define HVSTEP_DUAL_TEST(Suite, Name, check)                                      \
    static_assert(check(), #Suite "." #Name " failed at compile time");          \
    TEST(Suite, Name) { EXPECT_TRUE(::hvstep_test::run_at_runtime(&check)); }
