#!/usr/bin/env bash
# One fuzz_smoke.* test: run a libFuzzer harness for a few seconds on a fresh copy of its corpus.
# Registered by cmake/hvstepFuzz.cmake. Long runs: scripts/fuzz.sh.
#
# usage: hvstep_fuzz_smoke.sh <fuzzer|""> <why it is missing|""> <corpus-dir> <work-dir> <seconds>
# exit: 0 pass, 1 fail (an invariant violation, a sanitizer report, a crash), 77 skipped (the
# fuzzer could not be built and HVSTEP_REQUIRE_EMULATORS != 1)
set -euo pipefail

if (($# != 5)); then
    echo "usage: $0 <fuzzer> <missing> <corpus-dir> <work-dir> <seconds>" >&2
    exit 1
fi
fuzzer=$1 missing=$2 corpus=$3 work=$4 seconds=$5

if [[ -z $fuzzer ]]; then
    if [[ ${HVSTEP_REQUIRE_EMULATORS:-0} == 1 ]]; then
        echo "FAIL: $missing, and HVSTEP_REQUIRE_EMULATORS=1 requires every check to run." >&2
        exit 1
    fi
    echo "SKIPPED: $missing."
    exit 77
fi
if [[ ! -x $fuzzer ]]; then
    echo "FAIL: $fuzzer was not built (cmake --build <dir> --target hvstep_fuzzers)." >&2
    exit 1
fi

# A copy, so that what the run adds never lands in the committed corpus.
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/"
log="$work/fuzz.log"

status=0
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1 || status=$?

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
units=$(find "$work/corpus" -type f | wc -l)
if ((status != 0)); then
    echo "FAIL: $(basename "$fuzzer") exited with status $status after ${executions:-?} executions. Its log ($log) ends with:" >&2
    grep -v '^#[0-9]' "$log" | tail -n 40 >&2
    for artifact in "$work"/artifacts/*; do
        [[ -e $artifact ]] || continue
        echo "reproduce: HVSTEP_FUZZ_TRACE=1 $fuzzer $artifact" >&2
    done
    exit 1
fi
echo "PASS: $(basename "$fuzzer"): ${executions:-?} executions in ${seconds} s (${rate:-?} exec/s), corpus of $units inputs, no invariant violated."
