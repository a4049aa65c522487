// Writes sim/guest_abi.hpp's embedded runtime bytes to the file named by argv[1].
#include <cstdio>

#include <hvstep/sim/guest_abi.hpp>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    std::FILE* f = std::fopen(argv[1], "wb");
    if (!f) return 1;
    const auto& b = hvstep::sim::abi::runtime_bytes;
    const bool ok = std::fwrite(b, 1, sizeof b, f) == sizeof b;
    return std::fclose(f) == 0 && ok ? 0 : 1;
}
