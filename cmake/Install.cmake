# SPDX-License-Identifier: GPL-2.0-only
# `cmake --install` ships the static library, the public headers, a CMake
# package (find_package(anonrmap) -> anonrmap::anonrmap) and anonrmap.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ANONRMAP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/anonrmap)

# No INCLUDES DESTINATION: the target's $<INSTALL_INTERFACE:include> already
# exports the header directory, and it assumes the default includedir.
install(TARGETS anonrmap EXPORT anonrmapTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# Only include/anonrmap is public; src/ headers are the model's internals and
# may change with every rmap design.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/anonrmap
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

install(EXPORT anonrmapTargets
  NAMESPACE anonrmap::
  DESTINATION ${ANONRMAP_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/anonrmapConfig.cmake.in
  ${PROJECT_BINARY_DIR}/anonrmapConfig.cmake
  INSTALL_DESTINATION ${ANONRMAP_INSTALL_CMAKEDIR})
# Before 1.0 a minor release may change the API, so only the same minor
# version satisfies a request.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/anonrmapConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/anonrmapConfig.cmake
  ${PROJECT_BINARY_DIR}/anonrmapConfigVersion.cmake
  DESTINATION ${ANONRMAP_INSTALL_CMAKEDIR})

# The prefix in anonrmap.pc must be the one installed to, and
# `cmake --install --prefix` only says which at install time; so the file is
# configured twice: directories now, the prefix by the install script.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(ANONRMAP_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(ANONRMAP_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(ANONRMAP_PC_PREFIX "@ANONRMAP_PC_PREFIX@")
configure_file(${PROJECT_SOURCE_DIR}/cmake/anonrmap.pc.in
  ${PROJECT_BINARY_DIR}/anonrmap.pc.prefixless @ONLY)
install(CODE "
  set(ANONRMAP_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${PROJECT_BINARY_DIR}/anonrmap.pc.prefixless\"
    \"${PROJECT_BINARY_DIR}/anonrmap.pc\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/anonrmap.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The command-line tool goes with the library: a test program links the
# library, but a developer checking a scenario against the kernel wants the
# command on PATH.
install(TARGETS anonrmap_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
