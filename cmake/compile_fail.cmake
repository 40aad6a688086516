# SPDX-License-Identifier: Apache-2.0
# Runs one compile-fail snippet (ctest -P script). Inputs:
#   CXX     the compiler            SOURCE  the snippet
#   FLAGS   ;-list of flags (include dirs, -std=...)
#   CXX_ID  CMAKE_CXX_COMPILER_ID (GNU, Clang)
# The snippet lists one or more "// expect: <regex>" lines. The test passes
# only if (1) the snippet compiles with -DCTNN_CONTROL (so the only error is
# the intended one) and (2) it fails without it, with every regex matching the
# compiler's output. "// expect-gcc: <regex>" lines are checked with g++ only:
# clang stops at the first failing static_assert of a class template, g++
# also reports the ones that depend on it.
file(STRINGS "${SOURCE}" expect_lines REGEX "^// expect: ")
if(CXX_ID STREQUAL "GNU")
  file(STRINGS "${SOURCE}" gcc_lines REGEX "^// expect-gcc: ")
  foreach(line IN LISTS gcc_lines)
    string(REGEX REPLACE "^// expect-gcc: " "// expect: " line "${line}")
    list(APPEND expect_lines "${line}")
  endforeach()
endif()
if(NOT expect_lines)
  message(FATAL_ERROR "${SOURCE}: no '// expect:' line")
endif()

execute_process(COMMAND ${CXX} ${FLAGS} -DCTNN_CONTROL -fsyntax-only "${SOURCE}"
  RESULT_VARIABLE control_rc OUTPUT_VARIABLE control_out ERROR_VARIABLE control_out)
if(NOT control_rc EQUAL 0)
  message(FATAL_ERROR "control build of ${SOURCE} failed (the snippet is broken):\n${control_out}")
endif()

execute_process(COMMAND ${CXX} ${FLAGS} -fsyntax-only "${SOURCE}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
foreach(line IN LISTS expect_lines)
  string(REGEX REPLACE "^// expect: " "" regex "${line}")
  if(NOT out MATCHES "${regex}")
    message(FATAL_ERROR "${SOURCE}: the compiler output does not match '${regex}':\n${out}")
  endif()
endforeach()
message(STATUS "${SOURCE}: failed as intended")
