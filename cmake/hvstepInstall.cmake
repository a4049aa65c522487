# Install rules: headers, the exported hvstep::hvstep target, a relocatable CMake package
# and a pkg-config file. hvstep is header-only and architecture-independent, so the CMake
# package and hvstep.pc go under the data directory (share/), not lib/.

include(CMakePackageConfigHelpers)

set(HVSTEP_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/hvstep"
    CACHE STRING "Where to install hvstepConfig.cmake, relative to the prefix")
set(HVSTEP_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where to install hvstep.pc, relative to the prefix")
mark_as_advanced(HVSTEP_INSTALL_CMAKEDIR HVSTEP_INSTALL_PKGCONFIGDIR)

install(TARGETS hvstep EXPORT hvstepTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT hvstepTargets
    NAMESPACE hvstep::
    DESTINATION "${HVSTEP_INSTALL_CMAKEDIR}")

configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/hvstepConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/hvstepConfig.cmake"
    INSTALL_DESTINATION "${HVSTEP_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/hvstepConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}"
    COMPATIBILITY SameMajorVersion
    ARCH_INDEPENDENT)
install(FILES
    "${PROJECT_BINARY_DIR}/hvstepConfig.cmake"
    "${PROJECT_BINARY_DIR}/hvstepConfigVersion.cmake"
    DESTINATION "${HVSTEP_INSTALL_CMAKEDIR}")

# hvstep.pc locates the prefix from its own directory (${pcfiledir}), so the installed tree can
# be moved or installed with `cmake --install --prefix` into a place chosen after configuring.
if(IS_ABSOLUTE "${HVSTEP_INSTALL_PKGCONFIGDIR}")
    set(HVSTEP_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
    file(RELATIVE_PATH _hvstep_up "/hvstep-prefix/${HVSTEP_INSTALL_PKGCONFIGDIR}" "/hvstep-prefix")
    string(REGEX REPLACE "/$" "" _hvstep_up "${_hvstep_up}")
    set(HVSTEP_PC_PREFIX "\${pcfiledir}/${_hvstep_up}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(HVSTEP_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
    set(HVSTEP_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/hvstep.pc.in" "${PROJECT_BINARY_DIR}/hvstep.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/hvstep.pc" DESTINATION "${HVSTEP_INSTALL_PKGCONFIGDIR}")
