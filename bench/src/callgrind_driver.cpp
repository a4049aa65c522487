// Instruction counts of the exit path, repeatable on a noisy machine: runs every case of the
// benchmark table N times under `valgrind --tool=callgrind --collect-atstart=no` and collects
// only the hook(s) of each iteration (CALLGRIND_TOGGLE_COLLECT around them; the reset between
// iterations is not collected). After each case it dumps the counters under the case's name
// (exit/<policy>/<kind>/<implementation>); "empty" is the same loop with nothing between the
// toggles, the constant cost of toggling, which scripts/bench_report.py subtracts.
// Outside valgrind the client requests do nothing and the program just runs the cases.
//
// Usage: hvstep_callgrind_driver [iterations] [case-name-prefix]

#include <benchmark/benchmark.h>
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cases.hpp"

namespace {

using namespace hvstep_bench;

struct ignore {
    template <class T>
    void operator()(T& result) const {
        benchmark::DoNotOptimize(result);
    }
};

struct counter {
    unsigned iterations;
    std::string prefix;

    template <policy P, exit_kind K, impl_id I>
    void operator()() const {
        const std::string case_name = std::string("exit/") + name(P) + "/" + name(K) + "/" + name(I);
        if (case_name.compare(0, prefix.size(), prefix) != 0) return;
        prepared_case<P, K, I> c{};
        for (unsigned i = 0; i < iterations; ++i) {
            c.reset();
            std::uint32_t reason = c.reason;
            benchmark::DoNotOptimize(reason);
            benchmark::ClobberMemory();
            CALLGRIND_TOGGLE_COLLECT;
            run<K>(c.impl, c.machine, reason, ignore{});
            CALLGRIND_TOGGLE_COLLECT;
            benchmark::DoNotOptimize(c.impl);
            benchmark::ClobberMemory();
        }
        CALLGRIND_DUMP_STATS_AT(case_name.c_str());
    }
};

void empty_case(unsigned iterations) {
    for (unsigned i = 0; i < iterations; ++i) {
        benchmark::ClobberMemory();
        CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_TOGGLE_COLLECT;
        benchmark::ClobberMemory();
    }
    CALLGRIND_DUMP_STATS_AT("empty");
}

}  // namespace

int main(int argc, char** argv) {
    const unsigned iterations = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 1000U;
    const std::string prefix = argc > 2 ? argv[2] : "";
    empty_case(iterations);
    for_each_case(counter{iterations, prefix});
    std::printf("hvstep_callgrind_driver: %u iterations per case\n", iterations);
    return 0;
}
