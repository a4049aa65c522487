// version.hpp: the three numbers, the string and CMake's reading of them must agree.
#include "hvstep/version.hpp"

#include <string>
#include <type_traits>

#include "dual_test.hpp"

namespace {

constexpr bool same_object(const unsigned* a, const unsigned* b) { return a == b; }

// The numbers live in the inline namespace that carries the major version (conventions.md).
static_assert(same_object(&hvstep::v0::version_major, &hvstep::version_major));
static_assert(std::is_same_v<decltype(hvstep::version_major), const unsigned>);
static_assert(std::is_same_v<decltype(hvstep::version_minor), const unsigned>);
static_assert(std::is_same_v<decltype(hvstep::version_patch), const unsigned>);
static_assert(hvstep::version_major == 0, "the inline namespace is v0");

// Parses one decimal component of version_string starting at `pos`; advances `pos` past it.
constexpr bool parse_component(const char* text, unsigned& pos, unsigned& value) {
    value = 0;
    const unsigned start = pos;
    while (text[pos] >= '0' && text[pos] <= '9') {
        value = value * 10U + static_cast<unsigned>(text[pos] - '0');
        ++pos;
    }
    const bool leading_zero = text[start] == '0' && pos - start > 1;
    return pos > start && !leading_zero;
}

constexpr bool check_version_string_matches_numbers() {
    const char* text = hvstep::version_string;
    unsigned pos = 0;
    unsigned major = 0;
    unsigned minor = 0;
    unsigned patch = 0;
    return parse_component(text, pos, major) && text[pos++] == '.' &&  //
           parse_component(text, pos, minor) && text[pos++] == '.' &&  //
           parse_component(text, pos, patch) && text[pos] == '\0' &&   //
           pos + 1 == sizeof(hvstep::version_string) &&                //
           major == hvstep::version_major && minor == hvstep::version_minor && patch == hvstep::version_patch;
}

HVSTEP_DUAL_TEST(Version, StringMatchesNumbers, check_version_string_matches_numbers)

// An independent run-time spelling of the same rule, through the hosted library.
TEST(Version, StringIsMajorDotMinorDotPatch) {
    const std::string expected = std::to_string(hvstep::version_major) + "." +
                                 std::to_string(hvstep::version_minor) + "." +
                                 std::to_string(hvstep::version_patch);
    EXPECT_EQ(expected, hvstep::version_string);
}

// cmake/hvstepVersion.cmake parses version.hpp for project(VERSION); the package files use it.
TEST(Version, MatchesCMakeProjectVersion) {
    EXPECT_STREQ(HVSTEP_TEST_PROJECT_VERSION, hvstep::version_string);
}

}  // namespace
