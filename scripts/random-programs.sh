#!/usr/bin/env bash
# Runs random guest programs through the transparency checker under svm-tf, vmx-mtf and vmx-tf.
#   scripts/random-programs.sh [--seed N] [--count N] [--settled] [--verbose]
# Builds build/test's hvstep_random first (configuring the test preset if needed).
# --settled: one trap per stretch of the guest's own TF (include/hvstep/sim/program_gen.hpp).
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
[[ -f build/test/CMakeCache.txt ]] || cmake --preset test >/dev/null
cmake --build build/test --target hvstep_random >/dev/null
exec build/test/tests/scenarios/hvstep_random "$@"
