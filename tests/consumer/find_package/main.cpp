// Compiled against an installed hvstep, once through find_package(hvstep) and once through
// `pkg-config --cflags hvstep`. Exit status 0 iff the headers found are the version the
// package metadata announced (HVSTEP_EXPECT_VERSION).
#include <cstdio>
#include <cstring>

#include <hvstep/hvstep.hpp>

int main() {
    std::printf("hvstep %s (package metadata says %s)\n", hvstep::version_string, HVSTEP_EXPECT_VERSION);
    return std::strcmp(hvstep::version_string, HVSTEP_EXPECT_VERSION) == 0 ? 0 : 1;
}
