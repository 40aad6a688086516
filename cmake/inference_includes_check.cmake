# SPDX-License-Identifier: Apache-2.0
# An inference-only TU includes no training code (issue 14): the headers it
# pulls in (the compiler's -M list) name neither the trainer, the training
# chain, the training backend nor the training kernels. Inputs: CXX, FLAGS
# (;-list), SOURCE.
execute_process(COMMAND ${CXX} ${FLAGS} -M "${SOURCE}" RESULT_VARIABLE rc OUTPUT_VARIABLE deps ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CXX} -M ${SOURCE} failed:\n${err}")
endif()
if(NOT deps MATCHES "ctnn/network.hpp")
  message(FATAL_ERROR "the dependency list does not even name ctnn/network.hpp:\n${deps}")
endif()
foreach(h "ctnn/trainer.hpp" "ctnn/detail/train_chain.hpp" "ctnn/kernels/backend.hpp" "ctnn/kernels/train-inl.hpp"
          "ctnn/kernels/optimizer-inl.hpp" "ctnn/losses.hpp")
  string(FIND "${deps}" "${h}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${SOURCE} (inference only) includes ${h}")
  endif()
endforeach()
message(STATUS "${SOURCE}: no training header among its includes")
