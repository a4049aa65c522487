#!/usr/bin/env bash
# hvstep's exit-path performance, in one command: builds the `bench` preset (Release, Google
# Benchmark), runs the benchmarks (medians of repetitions), counts instructions under callgrind,
# counts VMCS/VMCB field accesses, measures the code size of every hook (GCC and clang, -O2) and
# the compile cost of including hvstep/hvstep.hpp, then prints the table (docs/performance.md
# explains every column).
#
#   scripts/bench.sh                  build, run everything, print the table
#   scripts/bench.sh --update-docs    also rewrite the table and plot in docs/performance.md
#   scripts/bench.sh --no-build       use the existing build/bench (what the bench workflow runs)
#
# Environment (defaults in brackets): HVSTEP_BENCH_REPETITIONS [10], HVSTEP_BENCH_MIN_TIME
# (seconds per repetition) [0.05], HVSTEP_CALLGRIND_ITERATIONS [1000], HVSTEP_COMPILE_RUNS [7],
# HVSTEP_BENCH_BUILD_DIR [build/bench], HVSTEP_BENCH_FILTER (a --benchmark_filter regex) [all].
# Benchmarks are not tests: nothing here fails on a slow number.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

build=1
update_docs=()
for arg in "$@"; do
    case $arg in
        --no-build) build=0 ;;
        --update-docs) update_docs=(--update-docs) ;;
        -h | --help)
            sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "bench.sh: unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

build_dir=${HVSTEP_BENCH_BUILD_DIR:-build/bench}
repetitions=${HVSTEP_BENCH_REPETITIONS:-10}
min_time=${HVSTEP_BENCH_MIN_TIME:-0.05}
iterations=${HVSTEP_CALLGRIND_ITERATIONS:-1000}
compile_runs=${HVSTEP_COMPILE_RUNS:-7}
filter=${HVSTEP_BENCH_FILTER:-.}
out="$build_dir/report"

if ((build)); then
    cmake --preset bench >/dev/null
    cmake --build --preset bench -j2
fi
for exe in hvstep_exit_path_bench hvstep_access_counts; do
    if [[ ! -x $build_dir/bench/$exe ]]; then
        echo "bench.sh: $build_dir/bench/$exe is missing (build the bench preset first)" >&2
        exit 1
    fi
done
rm -rf "$out"
mkdir -p "$out/callgrind"

echo "bench.sh: benchmarks ($repetitions repetitions of ${min_time}s, medians)..." >&2
"$build_dir/bench/hvstep_exit_path_bench" \
    --benchmark_filter="$filter" \
    --benchmark_repetitions="$repetitions" \
    --benchmark_min_time="$min_time" \
    --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/benchmark.json" --benchmark_out_format=json >"$out/benchmark.txt"

callgrind_args=()
if command -v valgrind >/dev/null && [[ -x $build_dir/bench/hvstep_callgrind_driver ]]; then
    echo "bench.sh: callgrind ($iterations iterations per case)..." >&2
    valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind/cg.out" \
        "$build_dir/bench/hvstep_callgrind_driver" "$iterations" >"$out/callgrind/driver.txt" 2>"$out/callgrind/valgrind.txt"
    callgrind_args=(--callgrind-dir "$out/callgrind" --callgrind-iterations "$iterations")
else
    echo "bench.sh: valgrind or the callgrind driver is missing: no instruction counts" >&2
fi

"$build_dir/bench/hvstep_access_counts" >"$out/accesses.json"

echo "bench.sh: code size and compile cost ($compile_runs runs)..." >&2
command=${HVSTEP_BENCH_COMMAND:-scripts/bench.sh}
exec python3 scripts/bench_report.py \
    --source-dir "$repo_root" \
    --out "$out" \
    --benchmark-json "$out/benchmark.json" \
    --accesses-json "$out/accesses.json" \
    "${callgrind_args[@]}" \
    --compile-runs "$compile_runs" \
    --command "$command" \
    "${update_docs[@]}"
