# Run with: cmake -DHVSTEP_CF_PARAMS=<params.cmake> -P hvstepCompileFailCheck.cmake
# The params file is written by hvstep_add_compile_fail_test() (hvstepCompileFail.cmake).

cmake_minimum_required(VERSION 3.25)

if(NOT HVSTEP_CF_PARAMS)
    message(FATAL_ERROR "usage: cmake -DHVSTEP_CF_PARAMS=<file> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
include("${HVSTEP_CF_PARAMS}")

# Plain ASCII quotes and no colour codes, so the expected regex sees what a human sees.
set(ENV{LC_ALL} C)
set(command "${HVSTEP_CF_COMPILER}" ${HVSTEP_CF_STD_FLAG} -fsyntax-only -fdiagnostics-color=never)
foreach(dir IN LISTS HVSTEP_CF_INCLUDES)
    if(NOT dir STREQUAL "")
        list(APPEND command "-I${dir}")
    endif()
endforeach()

execute_process(COMMAND ${command} "${HVSTEP_CF_SOURCE}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
    message(FATAL_ERROR "${HVSTEP_CF_SOURCE} compiled, but it must not.")
endif()
if(NOT output MATCHES "${HVSTEP_CF_EXPECT_REGEX}")
    message(FATAL_ERROR
        "${HVSTEP_CF_SOURCE} failed to compile, but not with the expected error.\n"
        "expected (regex): ${HVSTEP_CF_EXPECT_REGEX}\n"
        "compiler output:\n${output}")
endif()
message(STATUS "rejected as expected (matched: ${HVSTEP_CF_EXPECT_REGEX})")

execute_process(COMMAND ${command} -DHVSTEP_COMPILE_FAIL_CONTROL "${HVSTEP_CF_SOURCE}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
    message(FATAL_ERROR
        "The control build (-DHVSTEP_COMPILE_FAIL_CONTROL) of ${HVSTEP_CF_SOURCE} must compile, "
        "so that the expected failure is the only thing wrong with the test build. It failed:\n"
        "${output}")
endif()
message(STATUS "control build (-DHVSTEP_COMPILE_FAIL_CONTROL) compiled")
