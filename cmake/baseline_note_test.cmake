# SPDX-License-Identifier: Apache-2.0
# kernels/static.hpp's note about the scalar fallback target: exactly once per
# TU built without -march (x86-64 baseline), never with -march=native, never
# with -DCTNN_NO_BASELINE_NOTE. And its note about AVX2 without AES/PCLMUL
# (-march=x86-64-v3: Highway 1.0.3 then targets SSE4/SSSE3): once with
# -march=x86-64-v3, never with -maes -mpclmul added.
# Inputs: CXX, INCLUDE_DIR, SOURCE.
set(note "ctnn: this TU's static SIMD target is Highway's scalar fallback")
function(count_notes out_var)
  execute_process(COMMAND ${CXX} -std=c++20 "-I${INCLUDE_DIR}" -fsyntax-only ${ARGN} "${SOURCE}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compiling ${SOURCE} ${ARGN} failed:\n${out}")
  endif()
  string(REGEX MATCHALL "${note}" hits "${out}")
  list(LENGTH hits n)
  set(${out_var} ${n} PARENT_SCOPE)
endfunction()
count_notes(baseline)
count_notes(native -march=native)
count_notes(silenced -DCTNN_NO_BASELINE_NOTE)
if(NOT baseline EQUAL 1 OR NOT native EQUAL 0 OR NOT silenced EQUAL 0)
  message(FATAL_ERROR "the note appeared ${baseline} time(s) without -march (want 1), ${native} with "
                      "-march=native (want 0), ${silenced} with -DCTNN_NO_BASELINE_NOTE (want 0)")
endif()
set(note "ctnn: this TU enables AVX2 but not AES/PCLMUL")
count_notes(v3 -march=x86-64-v3)
count_notes(v3_aes -march=x86-64-v3 -maes -mpclmul)
count_notes(v3_native -march=native)
if(NOT v3 EQUAL 1 OR NOT v3_aes EQUAL 0 OR NOT v3_native EQUAL 0)
  message(FATAL_ERROR "the AVX2-without-AES note appeared ${v3} time(s) with -march=x86-64-v3 (want 1), ${v3_aes} "
                      "with -maes -mpclmul added (want 0), ${v3_native} with -march=native (want 0)")
endif()
message(STATUS "baseline notes: once without -march / with x86-64-v3, never with -march=native or when silenced")
