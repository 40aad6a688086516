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

/// How many rows of `width` floats a kernel's stack buffer of `floats`
/// floats holds, clamped to 1..`max_rows` (the sequence kernels' chunks).
constexpr std::size_t rows_within(std::size_t floats, std::size_t width, std::size_t max_rows) noexcept {
  const std::size_t rows = floats / width;
  return rows < 1 ? 1 : (rows > max_rows ? max_rows : rows);
}

namespace detail {

/// `p` itself, through an empty asm statement that hides from the optimiser
/// where it points: loads through the result stay loads from memory (the
/// compiler can neither replace them by an earlier store's register nor
/// hoist them as constants). A code-generation hint; the values are the same.
template <class T>
[[gnu::always_inline]] inline const T* opaque(const T* p) noexcept {
#if defined(__GNUC__)
  asm("" : "+r"(p));
#endif
  return p;
}

/// Keeps the compiler from moving memory accesses across this point (no
/// instruction is emitted).
[[gnu::always_inline]] inline void compiler_barrier() noexcept {
#if defined(__GNUC__)
  asm volatile("" ::: "memory");
#endif
}

}  // namespace detail
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

// Whether Highway's static target carries target attributes beyond the TU's
// -march. It does with g++ on aarch64: Highway 1.0.3 supports run-time
// dispatch there and so compiles its NEON target with
// __attribute__((target("+crypto"))) and SVE2 with "+sve2-aes", which a
// plain `-march=armv8-a` lacks. g++ then refuses to inline Highway's
// always_inline ops into code without those options ("inlining failed ...
// target specific option mismatch"). Two consequences, so that a plain
// cross-compile works: the kernel entry points below are ordinary inline
// functions (one call per kernel), and user activations' optional
// apply_simd/backward_simd (ordinary templates, without the attribute) are
// not used — their scalar apply/backward run lane by lane; add
// `-march=armv8-a+crypto` to use them. ctnn's kernels use no AES
// instruction, so such binaries run on cores without the crypto extension.
#if defined(__aarch64__) && defined(__GNUC__) && !defined(__clang__) && \
    (!defined(__ARM_FEATURE_AES) || (defined(__ARM_FEATURE_SVE2) && !defined(__ARM_FEATURE_SVE2_AES)))
#define CTNN_STATIC_TARGET_BEYOND_MARCH 1
#else
#define CTNN_STATIC_TARGET_BEYOND_MARCH 0
#endif

// Kernel entry points: the kernels that static dispatch calls from ordinary
// (not target-attributed) code. always_inline unless the static target's
// attributes exceed -march (above).
#if CTNN_STATIC_TARGET_BEYOND_MARCH
#define CTNN_KERNEL_ENTRY inline
#else
#define CTNN_KERNEL_ENTRY inline __attribute__((always_inline))
#endif
