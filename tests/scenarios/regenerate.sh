#!/usr/bin/env bash
# Rewrites every tests/scenarios/*.expect from the current simulator and hvstep, keeping the
# manuals' expectation (`<policy>: transparent complete end=ended trace=*`) for each policy the
# source marks `# HVSTEP BUG: <policy>:`. Review the diff against the manuals before committing.
#   tests/scenarios/regenerate.sh [build dir, default build/test]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../../build/test}
cmake --build "$build" --target hvstep_scenario >/dev/null
for src in "$here"/*.S; do
    name=$(basename "$src" .S)
    bin=$(mktemp)
    "$here/../../scripts/assemble-guest" "$src" "$bin"
    "$build/tests/scenarios/hvstep_scenario" "$bin" "$src" "$here/$name.expect" --update >/dev/null
    rm -f "$bin"
    for pol in svm-tf vmx-mtf vmx-tf; do
        if grep -q "HVSTEP BUG: $pol:" "$src"; then
            sed -i "s/^$pol: .*/$pol: transparent complete end=ended trace=*/" "$here/$name.expect"
        fi
    done
done
