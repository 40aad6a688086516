# SPDX-License-Identifier: Apache-2.0
# tools/import_pytorch.py without PyTorch: --help prints the whole
# description (what is supported, how to call it), and the refusal of an
# unsupported module lists what is supported. Inputs: PYTHON, SCRIPT.
execute_process(COMMAND "${PYTHON}" "${SCRIPT}" --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--help failed (${rc}):\n${out}${err}")
endif()
foreach(piece "Supported modules, in an nn.Sequential" "Anything else is refused with the module's name"
              "--build \"nn.Sequential\\(nn.Linear\\(4, 16\\), nn.ReLU\\(\\), nn.Linear\\(16, 3\\)\\)\"")
  if(NOT out MATCHES "${piece}")
    message(FATAL_ERROR "--help lacks '${piece}':\n${out}")
  endif()
endforeach()
get_filename_component(dir "${SCRIPT}" DIRECTORY)
execute_process(COMMAND "${PYTHON}" -c
                  "import sys; sys.path.insert(0, sys.argv[1]); import import_pytorch as m; print(m.unsupported_message('Conv1d'))"
                  "${dir}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^unsupported module Conv1d; supported: nn.Linear .*nn.BatchNorm1d, nn.Dropout")
  message(FATAL_ERROR "the refusal of an unsupported module does not list what is supported (${rc}):\n${out}${err}")
endif()
message(STATUS "import_pytorch.py: full --help; refusals list the supported modules")
