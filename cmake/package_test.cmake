# SPDX-License-Identifier: Apache-2.0
# The installed package works for a downstream project (tests/package):
#  1. this build tree installed into a scratch prefix: a consumer of ctnn::ctnn
#     and one of the `data` component (ctnn::data) configure, build and run;
#  2. the headers-only install recipe on a machine without zlib, Catch2 and
#     Google Benchmark (hidden with CMAKE_DISABLE_FIND_PACKAGE_<name>):
#       cmake -S . -B build -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF && cmake --install build
#     then a consumer on that prefix, zlib still hidden, configures, builds and
#     runs; asking that prefix for the `data` component fails with a message.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, CXX, GENERATOR.
file(REMOVE_RECURSE "${WORK_DIR}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
set(hidden -DCMAKE_DISABLE_FIND_PACKAGE_ZLIB=ON -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON
           -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)

function(consumer prefix build with_data)
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/package" -B "${build}" -G "${GENERATOR}" ${ARGN}
      "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release "-DWITH_DATA=${with_data}")
  run(${CMAKE_COMMAND} --build "${build}")
  run("${build}/consumer")
  if(NOT last_output MATCHES "ctnn consumer ok")
    message(FATAL_ERROR "consumer printed: ${last_output}")
  endif()
  message(STATUS "${build}: ${last_output}")
endfunction()

# 1. This build tree, installed.
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
consumer("${WORK_DIR}/prefix" "${WORK_DIR}/core" OFF)
consumer("${WORK_DIR}/prefix" "${WORK_DIR}/data" ON)

# 2. Headers only, without zlib, Catch2 or Google Benchmark.
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/headers-build" -G "${GENERATOR}" ${hidden}
    "-DCMAKE_CXX_COMPILER=${CXX}" -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF)
run(${CMAKE_COMMAND} --install "${WORK_DIR}/headers-build" --prefix "${WORK_DIR}/headers-prefix")
if(EXISTS "${WORK_DIR}/headers-prefix/include/ctnn/data/idx.hpp")
  message(FATAL_ERROR "a prefix installed without zlib has ctnn/data/idx.hpp")
endif()
consumer("${WORK_DIR}/headers-prefix" "${WORK_DIR}/headers-core" OFF ${hidden})
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/package" -B "${WORK_DIR}/headers-data"
                        -G "${GENERATOR}" ${hidden} "-DCMAKE_CXX_COMPILER=${CXX}"
                        "-DCMAKE_PREFIX_PATH=${WORK_DIR}/headers-prefix" -DWITH_DATA=ON
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0 OR NOT out MATCHES "installed without its `data` component")
  message(FATAL_ERROR "asking a zlib-less install for the data component must fail with a message:\n${out}")
endif()
message(STATUS "headers-only install without zlib: consumer ok; the data component is refused by name")
