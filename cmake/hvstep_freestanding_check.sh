#!/usr/bin/env bash
# Compile one translation unit the way a bare-metal hypervisor would and require that the object
# references no external symbol. Registered by cmake/hvstepFreestanding.cmake.
#
# usage: hvstep_freestanding_check.sh <family> <compiler|""> <std> <source> <object> <nm> <include-dir>...
# exit: 0 pass, 1 fail, 77 skipped (compiler not installed and HVSTEP_REQUIRE_EMULATORS != 1)
set -euo pipefail

if (($# < 6)); then
    echo "usage: $0 <family> <compiler> <std> <source> <object> <nm> <include-dir>..." >&2
    exit 1
fi
family=$1 compiler=$2 std=$3 source=$4 object=$5 nm=$6
shift 6

if [[ -z $compiler ]] || ! command -v "$compiler" >/dev/null 2>&1; then
    tool=$([[ $family == gcc ]] && echo "g++" || echo "clang++")
    if [[ ${HVSTEP_REQUIRE_EMULATORS:-0} == 1 ]]; then
        echo "FAIL: $tool is not installed, and HVSTEP_REQUIRE_EMULATORS=1 requires every check to run." >&2
        exit 1
    fi
    echo "SKIPPED: $tool is not installed (Debian package: $([[ $family == gcc ]] && echo g++ || echo clang))."
    exit 77
fi
if [[ -z $nm ]] || ! command -v "$nm" >/dev/null 2>&1; then
    echo "FAIL: nm is not installed (Debian package: binutils)." >&2
    exit 1
fi

flags=(
    "-std=$std"
    -ffreestanding -fno-exceptions -fno-rtti -nostdlib
    -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables
    -O2 -c
    -Wall -Wextra -Werror
)
for dir in "$@"; do
    flags+=("-I$dir")
done

mkdir -p "$(dirname "$object")"
rm -f "$object"
echo "+ $compiler ${flags[*]} $source -o $object"
"$compiler" "${flags[@]}" "$source" -o "$object"

undefined=$("$nm" -u "$object")
if [[ -n $undefined ]]; then
    echo "FAIL: the object references symbols a freestanding hypervisor does not provide:" >&2
    echo "$undefined" >&2
    exit 1
fi
# An object with no code would pass `nm -u` trivially; instantiate.hpp must emit something.
defined=$("$nm" --defined-only "$object")
if [[ -z $defined ]]; then
    echo "FAIL: the object defines no symbol, so the check proves nothing; see tests/freestanding/instantiate.hpp." >&2
    exit 1
fi
echo "PASS: $(wc -l <<<"$defined") defined symbol(s), no undefined symbol."
