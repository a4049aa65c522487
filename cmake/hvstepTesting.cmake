# Test vocabulary shared by every directory that registers ctest tests.
#
# HVSTEP_TEST_LABELS is the closed list of ctest labels the project uses (docs/testing.md says
# what each one means). Label tests through hvstep_label_tests() so a typo ("emulator_qemu")
# fails the configure step instead of silently dropping a test out of `ctest -L`.

set(HVSTEP_TEST_LABELS
    unit            # GoogleTest unit tests, compile-fail tests, header-set checks
    constexpr       # checks that also run as static_asserts (HVSTEP_DUAL_TEST)
    freestanding    # headers compiled -ffreestanding -nostdlib; object must have no undefined symbols
    consumer        # install + find_package, pkg-config, add_subdirectory
    scenario        # simulator scenario catalogue and random programs
    emulator-qemu   # bare-metal hypervisor under QEMU (AMD SVM)
    emulator-bochs  # bare-metal hypervisor under Bochs (Intel VMX, AMD SVM)
    fuzz-smoke      # short libFuzzer runs over the corpus
    docs            # documentation builds and checks
)

# hvstep_check_labels(<label>...): fail the configure step on a label not in HVSTEP_TEST_LABELS.
function(hvstep_check_labels)
    foreach(label IN LISTS ARGN)
        if(NOT label IN_LIST HVSTEP_TEST_LABELS)
            message(FATAL_ERROR
                "hvstep: unknown ctest label '${label}'. Known labels: ${HVSTEP_TEST_LABELS}. "
                "Add new ones to cmake/hvstepTesting.cmake and docs/testing.md.")
        endif()
    endforeach()
endfunction()

# hvstep_label_tests(TESTS <test>... LABELS <label>...)
function(hvstep_label_tests)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "TESTS;LABELS")
    if(NOT arg_TESTS OR NOT arg_LABELS)
        message(FATAL_ERROR "hvstep_label_tests: TESTS and LABELS are both required")
    endif()
    hvstep_check_labels(${arg_LABELS})
    set_tests_properties(${arg_TESTS} PROPERTIES LABELS "${arg_LABELS}")
endfunction()

include("${CMAKE_CURRENT_LIST_DIR}/hvstepCompileFail.cmake")
