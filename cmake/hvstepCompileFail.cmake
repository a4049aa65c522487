# hvstep_add_compile_fail_test(NAME <test> SOURCE <file.cpp> EXPECT_REGEX <regex>)
#
# Registers a ctest test (label `unit`) proving that <file.cpp> is rejected by the compiler for
# the intended reason. It passes only if
#   (a) `<c++> -fsyntax-only <file.cpp>` fails and its diagnostics match <regex>, and
#   (b) the same file compiled with -DHVSTEP_COMPILE_FAIL_CONTROL succeeds,
# so a typo or a missing include cannot pass as the expected error. The source is compiled with
# the project's C++ compiler, C++17 and hvstep's include directories; the checking itself is done
# by hvstepCompileFailCheck.cmake at test time, so editing the source needs no re-configure.

set(_hvstep_compile_fail_script "${CMAKE_CURRENT_LIST_DIR}/hvstepCompileFailCheck.cmake")

function(hvstep_add_compile_fail_test)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;SOURCE;EXPECT_REGEX" "")
    foreach(required IN ITEMS NAME SOURCE EXPECT_REGEX)
        if(NOT DEFINED arg_${required} OR arg_${required} STREQUAL "")
            message(FATAL_ERROR "hvstep_add_compile_fail_test: ${required} is required")
        endif()
    endforeach()
    get_filename_component(source "${arg_SOURCE}" ABSOLUTE)

    string(MAKE_C_IDENTIFIER "${arg_NAME}" id)
    set(params "${CMAKE_CURRENT_BINARY_DIR}/compile_fail/${id}.cmake")
    # Bracket arguments keep the regex and paths verbatim (no ';' splitting, no escapes).
    # The include directories are the ones `hvstep` hands to its consumers.
    file(GENERATE OUTPUT "${params}" CONTENT
"set(HVSTEP_CF_COMPILER [==[${CMAKE_CXX_COMPILER}]==])
set(HVSTEP_CF_STD_FLAG [==[${CMAKE_CXX17_STANDARD_COMPILE_OPTION}]==])
set(HVSTEP_CF_SOURCE [==[${source}]==])
set(HVSTEP_CF_EXPECT_REGEX [==[${arg_EXPECT_REGEX}]==])
set(HVSTEP_CF_INCLUDES [==[$<TARGET_PROPERTY:hvstep,INTERFACE_INCLUDE_DIRECTORIES>]==])
")
    add_test(NAME "${arg_NAME}"
        COMMAND "${CMAKE_COMMAND}" "-DHVSTEP_CF_PARAMS=${params}" -P "${_hvstep_compile_fail_script}")
    hvstep_label_tests(TESTS "${arg_NAME}" LABELS unit)
endfunction()
