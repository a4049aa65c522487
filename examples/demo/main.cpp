// hvstep demo. For now it can only say which hvstep it was built against: the step decisions
// (arm, observe each exit, report / consume / re-inject the #DB) come from core/, vmx/ and svm/,
// which are not there yet. Once they are, this program walks a short guest trace and prints
// each decision.
#include <cstdio>

#include <hvstep/hvstep.hpp>

int main() {
    std::printf("hvstep %s (header-only, C++17)\n", hvstep::version_string);
    std::printf("The foundation is in place: version, register fields (x86::field), RFLAGS fields.\n");
    std::printf("Step decisions will be printed here once the core/ layer lands.\n");
    return 0;
}
