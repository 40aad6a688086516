// SPDX-License-Identifier: Apache-2.0
// ctnn/config.hpp — version, CTNN_ macros and the library-wide constants that
// fix the in-object memory layout (padding, alignment). Everything here is
// target-independent: the same values hold whatever -march a TU is built with,
// so a network object has the same layout in every translation unit.
#pragma once

#include <cstddef>

#include "ctnn/version.hpp"

namespace ctnn {

/// Every parameter block and every activation buffer is padded to a multiple
/// of `pad_floats` floats and aligned to `alignment` bytes: the widest vector
/// any Highway target on x86 uses (AVX-512: 16 floats, 64 bytes). Kernels can
/// then use whole vectors with no tail loop on every target.
inline constexpr std::size_t pad_floats = 16;
inline constexpr std::size_t alignment = 64;

/// Rounds `n` up to a multiple of `pad_floats`.
constexpr std::size_t padded(std::size_t n) noexcept {
  return (n + pad_floats - 1) / pad_floats * pad_floats;
}

}  // namespace ctnn

// Determinism guard for the few double-precision routines whose results must
// be bit-identical across compilers and flags (weight initialisation): no
// fused multiply-add contraction, whatever -ffp-contract says.
#if defined(__clang__)
#define CTNN_NO_CONTRACT_BEGIN _Pragma("clang fp contract(off)")
#define CTNN_NO_CONTRACT_ATTR
#elif defined(__GNUC__)
#define CTNN_NO_CONTRACT_BEGIN
#define CTNN_NO_CONTRACT_ATTR __attribute__((optimize("fp-contract=off")))
#else
#define CTNN_NO_CONTRACT_BEGIN
#define CTNN_NO_CONTRACT_ATTR
#endif

// Fully unrolls a loop with a small compile-time trip count (register arrays
// of accumulators: g++ 12 spills them to the stack unless the loop is
// unrolled). Never used on loops over neurons.
#if defined(__clang__)
#define CTNN_UNROLL_ALL _Pragma("unroll")
#elif defined(__GNUC__)
#define CTNN_UNROLL_ALL _Pragma("GCC unroll 64")
#else
#define CTNN_UNROLL_ALL
#endif
