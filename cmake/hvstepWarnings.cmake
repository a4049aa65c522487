# hvstep_warnings: the warning policy for hvstep's own tests, benchmarks and examples.
#
# It is a separate INTERFACE target linked PRIVATE by those targets, never by `hvstep` itself:
# forcing -Werror (or any flag) on people who include hvstep would break their builds on the
# next compiler upgrade. The headers are still held to these warnings, because every header
# is compiled into the unit tests through this target.

include(CheckCXXCompilerFlag)

add_library(hvstep_warnings INTERFACE)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(hvstep_warnings INTERFACE
        -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
    foreach(flag IN ITEMS -Wsign-conversion -Wold-style-cast)
        string(MAKE_C_IDENTIFIER "HVSTEP_HAS${flag}" var)
        check_cxx_compiler_flag("${flag}" ${var})
        if(${var})
            target_compile_options(hvstep_warnings INTERFACE ${flag})
        endif()
    endforeach()
elseif(MSVC)
    target_compile_options(hvstep_warnings INTERFACE /W4 /WX /permissive-)
endif()
