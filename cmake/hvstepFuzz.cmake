# libFuzzer harnesses and their smoke test (label `fuzz-smoke`).
#
# libFuzzer comes with clang (-fsanitize=fuzzer), whatever compiler builds the rest of the suite.
# The harness is built by clang++ through a custom command: the project's own compiler when it
# is clang, else the first clang++ on PATH. A configure-time probe links a one-line fuzzer with
# -fsanitize=fuzzer,address,undefined, so a clang without its runtime (Debian's
# libclang-rt-<version>-dev) is told apart from a missing clang.
#
# Test: fuzz_smoke.exit_sequence runs the fuzzer for HVSTEP_FUZZ_SMOKE_SECONDS (30) on a fresh
# copy of tests/fuzz/corpus/exit_sequence (cmake/hvstep_fuzz_smoke.sh). When the fuzzer cannot be
# built it is SKIPPED (exit 77) naming the missing tool, or FAILED under HVSTEP_REQUIRE_EMULATORS=1,
# as the freestanding clang checks are. scripts/fuzz.sh builds the same target for long runs.

set(HVSTEP_FUZZ_SMOKE_SECONDS 30 CACHE STRING "Seconds each fuzz_smoke.* test fuzzes")

if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set(_hvstep_fuzz_cxx "${CMAKE_CXX_COMPILER}")
else()
    find_program(HVSTEP_FUZZ_CLANGXX
        NAMES clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14
        DOC "clang++ with libFuzzer, for the fuzz harnesses")
    set(_hvstep_fuzz_cxx "${HVSTEP_FUZZ_CLANGXX}")
endif()

set(_hvstep_fuzz_dir "${CMAKE_CURRENT_BINARY_DIR}/fuzz")
set(_hvstep_fuzz_missing "")
if(NOT _hvstep_fuzz_cxx)
    set(_hvstep_fuzz_missing "clang++ is not installed (Debian package: clang)")
else()
    # Probe once per compiler; the answer is cached with the compiler it is about.
    if(NOT HVSTEP_FUZZ_PROBED_CXX STREQUAL _hvstep_fuzz_cxx)
        file(MAKE_DIRECTORY "${_hvstep_fuzz_dir}/probe")
        file(WRITE "${_hvstep_fuzz_dir}/probe/probe.cpp"
            "#include <cstddef>\n#include <cstdint>\n"
            "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
        execute_process(
            COMMAND "${_hvstep_fuzz_cxx}" -fsanitize=fuzzer,address,undefined
                    "${_hvstep_fuzz_dir}/probe/probe.cpp" -o "${_hvstep_fuzz_dir}/probe/probe"
            RESULT_VARIABLE _hvstep_fuzz_probe_rc
            OUTPUT_QUIET ERROR_VARIABLE _hvstep_fuzz_probe_err
            TIMEOUT 120)
        execute_process(COMMAND "${_hvstep_fuzz_cxx}" -dumpversion
            OUTPUT_VARIABLE _hvstep_fuzz_version OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        string(REGEX MATCH "^[0-9]+" _hvstep_fuzz_major "${_hvstep_fuzz_version}")
        if(_hvstep_fuzz_probe_rc EQUAL 0)
            set(_hvstep_fuzz_probe_ok ON)
        else()
            set(_hvstep_fuzz_probe_ok OFF)
            message(STATUS "hvstep: ${_hvstep_fuzz_cxx} cannot link -fsanitize=fuzzer: ${_hvstep_fuzz_probe_err}")
        endif()
        set(HVSTEP_FUZZ_PROBED_CXX "${_hvstep_fuzz_cxx}" CACHE INTERNAL "")
        set(HVSTEP_FUZZ_PROBE_OK "${_hvstep_fuzz_probe_ok}" CACHE INTERNAL "")
        set(HVSTEP_FUZZ_CLANG_MAJOR "${_hvstep_fuzz_major}" CACHE INTERNAL "")
    endif()
    if(NOT HVSTEP_FUZZ_PROBE_OK)
        set(_hvstep_fuzz_missing
            "${_hvstep_fuzz_cxx} cannot link -fsanitize=fuzzer,address,undefined: the libFuzzer runtime is not installed (Debian package: libclang-rt-${HVSTEP_FUZZ_CLANG_MAJOR}-dev)")
    endif()
endif()

if(_hvstep_fuzz_missing)
    message(STATUS "hvstep: ${_hvstep_fuzz_missing}; fuzz_smoke.* will be skipped")
endif()

# hvstep_add_fuzzer(<name>): tests/fuzz/<name>_fuzzer.cpp -> <build>/tests/fuzz/<name>_fuzzer (target
# hvstep_fuzzers builds them all), and the test fuzz_smoke.<name> over tests/fuzz/corpus/<name>.
function(hvstep_add_fuzzer name)
    set(source "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}_fuzzer.cpp")
    set(binary "${_hvstep_fuzz_dir}/${name}_fuzzer")
    set(corpus "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${name}")
    if(NOT _hvstep_fuzz_missing)
        add_custom_command(
            OUTPUT "${binary}"
            COMMAND "${_hvstep_fuzz_cxx}" -std=c++17 -O1 -g -fno-omit-frame-pointer
                    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
                    -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wsign-conversion -Wold-style-cast -Werror
                    "-I${PROJECT_SOURCE_DIR}/include"
                    -MD -MF "${binary}.d" "${source}" -o "${binary}"
            DEPENDS "${source}"
            DEPFILE "${binary}.d"
            COMMENT "Building libFuzzer harness ${name}_fuzzer with ${_hvstep_fuzz_cxx}"
            VERBATIM)
        add_custom_target(hvstep_fuzzer_${name} ALL DEPENDS "${binary}")
        add_dependencies(hvstep_fuzzers hvstep_fuzzer_${name})
        set(run_binary "${binary}")
        set(missing "")
    else()
        set(run_binary "")
        set(missing "${_hvstep_fuzz_missing}")
    endif()
    set(test "fuzz_smoke.${name}")
    add_test(NAME "${test}"
        COMMAND bash "${PROJECT_SOURCE_DIR}/cmake/hvstep_fuzz_smoke.sh"
            "${run_binary}" "${missing}" "${corpus}" "${_hvstep_fuzz_dir}/${name}.smoke" "${HVSTEP_FUZZ_SMOKE_SECONDS}")
    # The longest test: start it first so it overlaps the short ones under ctest -j.
    set_tests_properties("${test}" PROPERTIES
        SKIP_RETURN_CODE 77
        TIMEOUT 300
        COST 1000)
    hvstep_label_tests(TESTS "${test}" LABELS fuzz-smoke)
endfunction()

add_custom_target(hvstep_fuzzers)
hvstep_add_fuzzer(exit_sequence)
