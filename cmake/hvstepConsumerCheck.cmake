# Consumer tests (label `consumer`), run at test time:
#   cmake -DMODE=<mode> ... -P hvstepConsumerCheck.cmake
#
# MODE=install           BUILD_DIR PREFIX CONFIG
#     Fresh `cmake --install <BUILD_DIR> --prefix <PREFIX>` (the fixture the others need).
# MODE=find_package      SOURCE_DIR WORK_DIR PREFIX VERSION GENERATOR MAKE_PROGRAM CXX_COMPILER
#     Configure, build and run tests/consumer/find_package against PREFIX.
# MODE=pkg_config        PKG_CONFIG PREFIX PKGCONFIG_SUBDIR VERSION CXX_COMPILER SOURCE WORK_DIR
#     pkg-config --modversion/--cflags hvstep from PREFIX, compile SOURCE with those flags, run it.
#     Prints HVSTEP_SKIP (the test's SKIP_REGULAR_EXPRESSION) if pkg-config is not installed.
# MODE=add_subdirectory  SOURCE_DIR HVSTEP_SOURCE_DIR WORK_DIR GENERATOR MAKE_PROGRAM CXX_COMPILER CTEST_COMMAND
#     Configure, build and run tests/consumer/add_subdirectory; require no warnings and no tests.

cmake_minimum_required(VERSION 3.25)

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    string(REPLACE ";" " " shown "${ARGN}")
    message(STATUS "+ ${shown}\n${output}")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "command failed (${result}): ${shown}")
    endif()
    set(run_output "${output}" PARENT_SCOPE)
endfunction()

# Configure + build a consumer project from scratch with the same generator and compiler.
function(build_consumer source work)
    file(REMOVE_RECURSE "${work}")
    set(configure "${CMAKE_COMMAND}" -S "${source}" -B "${work}" -G "${GENERATOR}"
        "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" -DCMAKE_BUILD_TYPE=Release
        # Only the copy under test may be found, never one registered elsewhere on the machine.
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
        ${ARGN})
    if(MAKE_PROGRAM)
        list(APPEND configure "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
    endif()
    run(${configure})
    run("${CMAKE_COMMAND}" --build "${work}")
    set(build_output "${run_output}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "install")
    file(REMOVE_RECURSE "${PREFIX}")
    set(config_args "")
    if(CONFIG)
        set(config_args --config "${CONFIG}")
    endif()
    run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args})
    foreach(expected IN ITEMS include/hvstep/hvstep.hpp include/hvstep/version.hpp)
        if(NOT EXISTS "${PREFIX}/${expected}")
            message(FATAL_ERROR "install did not produce ${PREFIX}/${expected}")
        endif()
    endforeach()

elseif(MODE STREQUAL "find_package")
    build_consumer("${SOURCE_DIR}" "${WORK_DIR}"
        "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DHVSTEP_EXPECT_PREFIX=${PREFIX}" "-DHVSTEP_EXPECT_VERSION=${VERSION}")
    run("${WORK_DIR}/app")

elseif(MODE STREQUAL "pkg_config")
    if(NOT PKG_CONFIG)
        message("HVSTEP_SKIP: pkg-config is not installed (Debian package: pkg-config)")
        return()
    endif()
    set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${PKGCONFIG_SUBDIR}")
    run("${PKG_CONFIG}" --modversion hvstep)
    string(STRIP "${run_output}" modversion)
    if(NOT modversion STREQUAL VERSION)
        message(FATAL_ERROR "pkg-config --modversion hvstep says '${modversion}', expected '${VERSION}'")
    endif()
    run("${PKG_CONFIG}" --cflags hvstep)
    string(STRIP "${run_output}" cflags)
    separate_arguments(cflags UNIX_COMMAND "${cflags}")
    file(REMOVE_RECURSE "${WORK_DIR}")
    file(MAKE_DIRECTORY "${WORK_DIR}")
    run("${CXX_COMPILER}" -std=c++17 ${cflags} "-DHVSTEP_EXPECT_VERSION=\"${VERSION}\""
        "${SOURCE}" -o "${WORK_DIR}/app")
    run("${WORK_DIR}/app")

elseif(MODE STREQUAL "add_subdirectory")
    build_consumer("${SOURCE_DIR}" "${WORK_DIR}" "-DHVSTEP_SOURCE_DIR=${HVSTEP_SOURCE_DIR}")
    if(build_output MATCHES "warning:")
        message(FATAL_ERROR "the consumer build printed warnings; hvstep must not impose its flags:\n"
                            "${build_output}")
    endif()
    run("${WORK_DIR}/app")
    # No hvstep test may have been registered in the consumer's tree.
    run("${CTEST_COMMAND}" --test-dir "${WORK_DIR}" -N)
    if(NOT run_output MATCHES "Total Tests: 0")
        message(FATAL_ERROR "hvstep registered tests in a consumer build:\n${run_output}")
    endif()

else()
    message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
