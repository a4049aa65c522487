// hvstep's exit-path benchmarks (Google Benchmark): for each stepping policy and exit kind, the
// time of hvstep's hook(s) against hand-written baselines of the peers' logic and against the
// floor (bench/baselines/). Names: exit/<policy>/<kind>/<implementation>, and
// reset/<policy>/<implementation> for the per-iteration reset alone (subtracted by
// scripts/bench_report.py). Run through scripts/bench.sh; docs/performance.md has the table.

#include <benchmark/benchmark.h>

#include <string>

#include "cases.hpp"

namespace {

using namespace hvstep_bench;

struct keep {
    template <class T>
    void operator()(T& result) const {
        benchmark::DoNotOptimize(result);
    }
};

template <policy P, exit_kind K, impl_id I>
void exit_path(benchmark::State& state) {
    prepared_case<P, K, I> c{};
    for (auto _ : state) {
        c.reset();
        std::uint32_t reason = c.reason;  // an exit reason is read from the VMCS: opaque
        benchmark::DoNotOptimize(reason);
        benchmark::ClobberMemory();
        run<K>(c.impl, c.machine, reason, keep{});
        benchmark::DoNotOptimize(c.impl);
        benchmark::ClobberMemory();
    }
}

// The same loop without the hook: what the reset costs.
template <policy P, exit_kind K, impl_id I>
void reset_only(benchmark::State& state) {
    prepared_case<P, K, I> c{};
    for (auto _ : state) {
        c.reset();
        std::uint32_t reason = c.reason;
        benchmark::DoNotOptimize(reason);
        benchmark::ClobberMemory();
        benchmark::DoNotOptimize(c.impl);
        benchmark::ClobberMemory();
    }
}

struct registrar {
    template <policy P, exit_kind K, impl_id I>
    void operator()() const {
        const std::string tail = std::string(name(P)) + "/" + name(K) + "/" + name(I);
        benchmark::RegisterBenchmark(("exit/" + tail).c_str(), exit_path<P, K, I>);
        if constexpr (K == exit_kind::step_trap) {
            benchmark::RegisterBenchmark(("reset/" + std::string(name(P)) + "/" + name(I)).c_str(),
                                         reset_only<P, K, I>);
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    for_each_case(registrar{});
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
