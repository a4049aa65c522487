// hvstep_random: random valid guest programs from the simulator's subset, each run natively
// and under svm-tf, vmx-mtf and vmx-tf with the transparency checker.
//   hvstep_random [--seed N] [--count N] [--settled] [--verbose]
// --settled: one trap per stretch of the guest's own TF (see program_options::settle_after_guest_tf).
// Exit status 0 when every program is transparent and complete under every policy.
#include <cstdint>
#include <cstdio>
#include <string>

#include <hvstep/sim/checker.hpp>
#include <hvstep/sim/program_gen.hpp>

int main(int argc, char** argv) {
    std::uint64_t seed = 1, count = 100;
    bool verbose = false;
    hvstep::sim::program_options opt;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--seed" && k + 1 < argc) seed = std::stoull(argv[++k]);
        else if (a == "--count" && k + 1 < argc) count = std::stoull(argv[++k]);
        else if (a == "--verbose") verbose = true;
        else if (a == "--settled") opt.settle_after_guest_tf = true;
        else {
            std::fprintf(stderr, "usage: hvstep_random [--seed N] [--count N] [--settled] [--verbose]\n");
            return 2;
        }
    }
    using namespace hvstep::sim;
    unsigned failures = 0;
    std::uint64_t steps = 0;
    for (std::uint64_t n = 0; n < count; ++n) {
        const std::uint64_t s = seed * 1000003u + n;
        const std::vector<std::uint8_t> prog = generate_program(s, opt);
        for (policy p : {policy::svm_tf, policy::vmx_mtf, policy::vmx_tf}) {
            run_config cfg;
            cfg.pol = p;
            const checked_run r = check(prog, cfg);
            steps += r.v.steps;
            if (!r.v.ok() || !r.stepped.ok) {
                ++failures;
                std::printf("program seed %llu under %s: %s%s, guest %s\n", static_cast<unsigned long long>(s), policy_name(p),
                            r.v.transparent ? "" : "not transparent ", r.v.complete ? "" : "incomplete", r.stepped.end.c_str());
                for (const std::string& d : r.v.differences) std::printf("    %s\n", d.c_str());
            } else if (verbose) {
                std::printf("program seed %llu under %s: ok, %llu steps\n", static_cast<unsigned long long>(s), policy_name(p),
                            static_cast<unsigned long long>(r.v.steps));
            }
        }
    }
    std::printf("%llu programs x 3 policies, %llu step reports, %u failures (seed %llu)\n", static_cast<unsigned long long>(count),
                static_cast<unsigned long long>(steps), failures, static_cast<unsigned long long>(seed));
    return failures == 0 ? 0 : 1;
}
