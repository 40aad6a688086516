# SPDX-License-Identifier: Apache-2.0
# Install and export rules: headers, the ctnn::ctnn target, a package config
# that finds hwy and Boost (zlib only for the `data` component), and a
# version file. Header-only, so the package is
# architecture-independent.
include(CMakePackageConfigHelpers)

set(CTNN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/ctnn" CACHE STRING "Where ctnnConfig.cmake goes")

install(TARGETS ctnn EXPORT ctnnTargets FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS ctnn_native EXPORT ctnnTargets)
install(EXPORT ctnnTargets NAMESPACE ctnn:: DESTINATION "${CTNN_INSTALL_CMAKEDIR}")
# Component `data` (ctnn::data, needs zlib): its own export file, loaded only
# by find_package(ctnn COMPONENTS data).
if(TARGET ctnn_data)
  install(TARGETS ctnn_data EXPORT ctnnDataTargets FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT ctnnDataTargets NAMESPACE ctnn:: DESTINATION "${CTNN_INSTALL_CMAKEDIR}")
endif()

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/ctnnConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ctnnConfig.cmake"
  INSTALL_DESTINATION "${CTNN_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/ctnnConfig.cmake" "${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake"
  DESTINATION "${CTNN_INSTALL_CMAKEDIR}")

# The build tree is usable as a package too.
export(EXPORT ctnnTargets NAMESPACE ctnn:: FILE "${PROJECT_BINARY_DIR}/ctnnTargets.cmake")
if(TARGET ctnn_data)
  export(EXPORT ctnnDataTargets NAMESPACE ctnn:: FILE "${PROJECT_BINARY_DIR}/ctnnDataTargets.cmake")
endif()
