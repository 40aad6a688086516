# SPDX-License-Identifier: Apache-2.0
# The layer protocol's promise (issue 14), checked: outside include/ctnn/layers/
# no header branches on a layer type (is_same with a layer, is_dense_like and
# the like) and the trainer does not pick kernels by optimizer type. Input:
#   INCLUDE_DIR  the include/ directory
file(GLOB_RECURSE headers RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/ctnn/*.hpp")
set(patterns
  "is_same(_v)?<[^<>]*(dense|batch_norm|dropout|residual|activation|bf16)_layer"
  "is_same(_v)?<[^<>]*(sgd|adamw?|rmsprop)[,>]"
  "is_dense|is_layer_list"
  "(struct|class) [a-z_]+<(dense|batch_norm|dropout|residual|activation|bf16)_layer<"
  "const (dense|batch_norm|dropout|residual|activation|bf16)_layer<[^()]*[&*]")
set(found "")
set(checked 0)
foreach(h IN LISTS headers)
  if(h MATCHES "^ctnn/layers/")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  # One list element per line: the file's own ';' and brackets escaped first.
  file(READ "${INCLUDE_DIR}/${h}" text)
  string(REPLACE ";" "<semicolon>" text "${text}")
  string(REPLACE "[" "<" text "${text}")
  string(REPLACE "]" ">" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  foreach(line IN LISTS lines)
    foreach(p IN LISTS patterns)
      if(line MATCHES "${p}")
        string(APPEND found "\n  ${h}: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(checked LESS 20)
  message(FATAL_ERROR "only ${checked} headers found under ${INCLUDE_DIR}/ctnn (wrong directory?)")
endif()
if(found)
  message(FATAL_ERROR "layer-type or optimizer-type branches outside include/ctnn/layers/:${found}")
endif()
message(STATUS "${checked} headers outside include/ctnn/layers/: no layer-type branch")
