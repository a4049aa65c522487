# Reads hvstep's version from include/hvstep/version.hpp, the single place it is defined,
# so project(VERSION), the package version file and hvstep.pc can never disagree with the header.
#
#   hvstep_read_version(<header> <out-var>)
#
# sets <out-var> to "MAJOR.MINOR.PATCH" from the lines
#   inline constexpr unsigned version_major = 0;
# (and _minor, _patch). Fails the configure step if any of the three is missing or repeated,
# and makes the header a configure dependency so an edit to it re-runs CMake.

function(hvstep_read_version header out_var)
    set(parts "")
    foreach(part IN ITEMS major minor patch)
        file(STRINGS "${header}" lines
             REGEX "^[ \t]*inline[ \t]+constexpr[ \t]+unsigned[ \t]+version_${part}[ \t]*=[ \t]*[0-9]+[ \t]*;")
        list(LENGTH lines count)
        if(NOT count EQUAL 1)
            message(FATAL_ERROR
                "hvstep: expected exactly one line `inline constexpr unsigned version_${part} = N;` "
                "in ${header}, found ${count}")
        endif()
        # (file(STRINGS) escapes the trailing ';', so match only up to the number.)
        string(REGEX MATCH "=[ \t]*([0-9]+)" unused "${lines}")
        set(number "${CMAKE_MATCH_1}")
        # A leading zero makes the C++ literal octal while CMake would read it as decimal.
        if(NOT number MATCHES "^(0|[1-9][0-9]*)$")
            message(FATAL_ERROR "hvstep: version_${part} = ${number} in ${header}: write it in decimal")
        endif()
        list(APPEND parts "${number}")
    endforeach()
    list(JOIN parts "." version)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${header}")
    set(${out_var} "${version}" PARENT_SCOPE)
endfunction()
