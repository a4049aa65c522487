#!/usr/bin/env bash
# Runs hvstep's whole test suite: `cmake --workflow --preset test` (configure build/test, build,
# ctest -j2), then `cmake --workflow --preset test-sanitize` (the unit tests again, built with
# AddressSanitizer and UndefinedBehaviorSanitizer in build/sanitize). First makes sure the Debian
# packages in scripts/packages.txt are installed: installs the missing ones when run as root,
# otherwise lists them and exits 1.
#
# Environment: HVSTEP_REQUIRE_EMULATORS=1 turns every "tool not installed → test skipped" into a
# failure (CI sets it through .ci/run); it is passed through to ctest unchanged.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

packages=()
while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    line=${line//[[:space:]]/}
    [[ -n $line ]] && packages+=("$line")
done <scripts/packages.txt

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "test.sh: installing missing packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y --no-install-recommends "${missing[@]}"
    else
        echo "test.sh: these Debian packages are missing (see scripts/packages.txt):" >&2
        printf '  %s\n' "${missing[@]}" >&2
        echo "install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi

echo "test.sh: HVSTEP_REQUIRE_EMULATORS=${HVSTEP_REQUIRE_EMULATORS:-0}"
status=0
cmake --workflow --preset test || status=$?
# The unit tests once more, under AddressSanitizer and UndefinedBehaviorSanitizer (build/sanitize).
# It runs even when the first workflow failed, so one run reports both.
echo "test.sh: the unit tests under ASan and UBSan (preset test-sanitize)"
cmake --workflow --preset test-sanitize || status=$?
exit "$status"
