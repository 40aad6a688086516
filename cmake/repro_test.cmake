# SPDX-License-Identifier: Apache-2.0
# Runs PROGRAM twice (two processes) and requires identical output.
# EMULATOR (optional): the cross-compiling emulator's command line.
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
foreach(run 1 2)
  execute_process(COMMAND ${emulator} "${PROGRAM}" RESULT_VARIABLE rc OUTPUT_VARIABLE out${run} ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "run ${run} failed (${rc}): ${out${run}}${err}")
  endif()
endforeach()
if(NOT out1 STREQUAL out2)
  message(FATAL_ERROR "two processes disagree:\n${out1}${out2}")
endif()
message(STATUS "identical across processes: ${out1}")
