# ctest `umbrella_complete` (label unit):
#   cmake -DINCLUDE_DIR=<repo>/include -P hvstepUmbrellaCheck.cmake
# Fails unless include/hvstep/hvstep.hpp directly includes every header under include/hvstep/
# except sim/ (hosted, opt-in) and itself. Runs at test time, so a header added without
# updating the umbrella is caught without re-configuring.

cmake_minimum_required(VERSION 3.25)

if(NOT INCLUDE_DIR)
    message(FATAL_ERROR "usage: cmake -DINCLUDE_DIR=<include dir> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
set(umbrella "${INCLUDE_DIR}/hvstep/hvstep.hpp")
if(NOT EXISTS "${umbrella}")
    message(FATAL_ERROR "${umbrella} does not exist")
endif()

file(GLOB_RECURSE headers RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/hvstep/*.hpp")
list(FILTER headers EXCLUDE REGEX "^hvstep/sim/")
list(REMOVE_ITEM headers "hvstep/hvstep.hpp")
list(SORT headers)

# The include lines actually in the umbrella, either spelling: "hvstep/x.hpp" or <hvstep/x.hpp>.
file(STRINGS "${umbrella}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]hvstep/[^>\"]+[>\"]")
set(included "")
foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"](hvstep/[^>\"]+)[>\"].*$" "\\1" path "${line}")
    list(APPEND included "${path}")
endforeach()

set(missing "")
foreach(header IN LISTS headers)
    if(NOT header IN_LIST included)
        list(APPEND missing "${header}")
    endif()
endforeach()
set(stale "")
foreach(path IN LISTS included)
    if(NOT EXISTS "${INCLUDE_DIR}/${path}")
        list(APPEND stale "${path}")
    endif()
endforeach()

if(missing OR stale)
    set(report "")
    foreach(header IN LISTS missing)
        string(APPEND report "  missing: #include \"${header}\"\n")
    endforeach()
    foreach(path IN LISTS stale)
        string(APPEND report "  includes a header that does not exist: ${path}\n")
    endforeach()
    message(FATAL_ERROR "include/hvstep/hvstep.hpp must include every header outside sim/:\n${report}")
endif()
list(LENGTH headers count)
message(STATUS "hvstep.hpp includes all ${count} headers outside sim/")
