#!/usr/bin/env bash
# Long libFuzzer runs of hvstep's harnesses (tests/fuzz/), for as long as you like; ctest's
# fuzz_smoke.* tests run the same harnesses for 30 s.
#
# usage: scripts/fuzz.sh [-t seconds] [-j jobs] [-f fuzzer] [-- libFuzzer options...]
#   -t  seconds to fuzz (default 600); with -j, each job fuzzes that long, in parallel
#   -j  parallel jobs (libFuzzer -jobs/-workers; default 1); each writes build/fuzz/<fuzzer>/fuzz-<n>.log
#   -f  harness name (default exit_sequence: tests/fuzz/exit_sequence_fuzzer.cpp)
#
# Builds the harness in build/test (the test preset, as scripts/test.sh does), fuzzes a corpus
# kept in build/fuzz/<fuzzer>/corpus across runs (seeded from tests/fuzz/corpus/<fuzzer>), writes
# crashing inputs to build/fuzz/<fuzzer>/artifacts/, and prints how many inputs were executed.
# A crashing input replays with `HVSTEP_FUZZ_TRACE=1 <fuzzer> <input>`, which prints every
# operation; HVSTEP_FUZZ_STRICT=1 turns off the workarounds for known library bugs.
# Exit: 0 when no run found anything, 1 otherwise.
set -euo pipefail

seconds=600
jobs=1
fuzzer=exit_sequence
while getopts "t:j:f:h" opt; do
    case $opt in
        t) seconds=$OPTARG ;;
        j) jobs=$OPTARG ;;
        f) fuzzer=$OPTARG ;;
        h)
            sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
if ! [[ $seconds =~ ^[0-9]+$ && $jobs =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: -t takes seconds and -j a positive number of jobs" >&2
    exit 2
fi

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
cmake --preset test >/dev/null
cmake --build build/test --target hvstep_fuzzers
binary=$repo_root/build/test/tests/fuzz/${fuzzer}_fuzzer
if [[ ! -x $binary ]]; then
    echo "fuzz.sh: $binary was not built: clang++ with libFuzzer is missing (see the 'hvstep:' lines of cmake --preset test)" >&2
    exit 1
fi

work=$repo_root/build/fuzz/$fuzzer
mkdir -p "$work/corpus" "$work/artifacts"
cp -n "tests/fuzz/corpus/$fuzzer"/* "$work/corpus/"
rm -f "$work"/fuzz-*.log "$work/fuzz.log"
cd "$work"

options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
         -artifact_prefix="$work/artifacts/" "$@")
echo "fuzz.sh: $(basename "$binary"), $jobs job(s) of $seconds s, corpus $work/corpus ($(find corpus -type f | wc -l) inputs)"
status=0
if ((jobs == 1)); then
    # Progress: libFuzzer's pulse lines; the whole log is fuzz.log.
    set +e
    "$binary" "${options[@]}" corpus 2>&1 | tee fuzz.log | grep --line-buffered -E '^#[0-9]+[[:space:]]+(pulse|DONE)|==hvstep==|SUMMARY'
    status=${PIPESTATUS[0]}
    set -e
    logs=(fuzz.log)
else
    # -jobs runs each job to its own -max_total_time; -workers=jobs runs them all at once.
    "$binary" "${options[@]}" -jobs="$jobs" -workers="$jobs" corpus >/dev/null 2>&1 || status=$?
    logs=(fuzz-*.log)
fi

executions=0
rate=0
for log in "${logs[@]}"; do
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    executions=$((executions + ${n:-0}))
    rate=$((rate + ${r:-0}))
    if grep -q '==hvstep==\|ERROR: libFuzzer\|runtime error\|ERROR: AddressSanitizer' "$log"; then
        status=1
        grep -h '==hvstep==\|ERROR: libFuzzer\|runtime error\|ERROR: AddressSanitizer' "$log" | head -n 5 >&2
    fi
done
echo "fuzz.sh: $executions executions in ${seconds} s x $jobs job(s) ($rate exec/s in all), corpus now $(find corpus -type f | wc -l) inputs"
if ((status != 0)); then
    echo "fuzz.sh: FOUND something; inputs in $work/artifacts/:" >&2
    ls -1 "$work/artifacts/" >&2 || true
    echo "replay one with: HVSTEP_FUZZ_TRACE=1 $binary <input>" >&2
    exit 1
fi
