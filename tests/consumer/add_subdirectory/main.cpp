// Built by a consumer that add_subdirectory()s hvstep. The code below deliberately does things
// hvstep's own warning policy forbids (an old-style cast, a shadowed name, implicit sign and
// width conversions): if hvstep leaked -Werror or its -W flags into consumers, this build would
// warn or fail, and consumer.add_subdirectory checks that it does neither. Exits 0.
#include <hvstep/hvstep.hpp>

int main() {
    double quarter = 0.25;
    int status = (int)quarter;  // -Wold-style-cast; 0
    {
        int status = 7;  // -Wshadow
        (void)status;
    }
    unsigned long long wide = hvstep::version_major;
    int narrowed = wide;                                      // -Wconversion; 0 for the v0 series
    status += narrowed - narrowed;                            // still 0
    status += hvstep::version_major - hvstep::version_major;  // -Wsign-conversion; still 0
    return status;
}
