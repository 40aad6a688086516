// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/gemm-inl.hpp — one register-blocked GEMM that serves batched
// inference and training's forward pass (X·Wᵀ), the weight gradient (dZᵀ·X)
// and the input gradient (dZ·W) for both weight layouts. The other training
// kernels are in train-inl.hpp. Re-included once per target.
//
// Gemm contract: for r < R and c < W,
//   C[r·ldc + c] = init + Σ_{k<K} A[r·a_rs + k·a_ks] · M[k·ldm + c]
// with init = C[r·ldc + c] (accumulate), bias[c] (bias != nullptr) or 0.
// W, ldm and ldc are multiples of ctnn::pad_floats; M, C and bias are
// aligned to ctnn::alignment. A is read one scalar at a time with arbitrary
// strides, so Aᵀ costs nothing. Sums in float in k order per lane; the tests
// bound the difference from the scalar reference by 2e-6·Σ|a·m|.

#if defined(CTNN_KERNELS_GEMM_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_GEMM_INL_HPP_
#undef CTNN_KERNELS_GEMM_INL_HPP_
#else
#define CTNN_KERNELS_GEMM_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <concepts>
#include <cstddef>

#include "ctnn/activations.hpp"
#include "ctnn/kernels/activation-inl.hpp"
#include "ctnn/config.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// RT rows × CT vectors of C, accumulated over all K: RT·CT independent FMA
/// chains (6×2 = 12 on AVX2 covers FMA latency × two ports with room), each
/// M vector loaded once per RT rows, each A scalar broadcast once per CT.
template <std::size_t RT, std::size_t CT, class D>
HWY_INLINE void GemmTile(D d, std::size_t K, const float* HWY_RESTRICT A, std::size_t a_rs, std::size_t a_ks,
                         const float* HWY_RESTRICT M, std::size_t ldm, const float* HWY_RESTRICT bias,
                         float* HWY_RESTRICT C, std::size_t ldc, bool accumulate) {
  using V = hn::Vec<D>;
  constexpr std::size_t N = hn::MaxLanes(D());
  V acc[RT][CT];
  CTNN_UNROLL_ALL
  for (std::size_t r = 0; r < RT; ++r) {
    CTNN_UNROLL_ALL
    for (std::size_t j = 0; j < CT; ++j) {
      acc[r][j] = accumulate ? hn::Load(d, C + r * ldc + j * N) : (bias ? hn::Load(d, bias + j * N) : hn::Zero(d));
    }
  }
  // clang 16 unrolls this loop by 8 and then spills the accumulators of a
  // 16-register target (952 spill and reload instructions in Gemm on AVX2);
  // unrolled by 2 they stay in registers, as in g++'s loop (not unrolled).
  // T1 (clang, AVX2 Zen 3, medians of 5): 1.48-1.59 → 0.91-0.97 ms per
  // batch. SSE4 follows by register count (not measured); AVX-512 has 32
  // registers and keeps clang's choice. The same operations in the same
  // order either way.
#if defined(__clang__) && HWY_ARCH_X86 && HWY_TARGET != HWY_AVX3 && HWY_TARGET != HWY_AVX3_DL
#pragma clang loop unroll_count(2)
#endif
  for (std::size_t k = 0; k < K; ++k) {
    V m[CT];
    CTNN_UNROLL_ALL
    for (std::size_t j = 0; j < CT; ++j) m[j] = hn::Load(d, M + k * ldm + j * N);
    CTNN_UNROLL_ALL
    for (std::size_t r = 0; r < RT; ++r) {
      const V a = hn::Set(d, A[r * a_rs + k * a_ks]);
      CTNN_UNROLL_ALL
      for (std::size_t j = 0; j < CT; ++j) acc[r][j] = Fma(a, m[j], acc[r][j]);
    }
  }
  CTNN_UNROLL_ALL
  for (std::size_t r = 0; r < RT; ++r) {
    CTNN_UNROLL_ALL
    for (std::size_t j = 0; j < CT; ++j) hn::Store(acc[r][j], d, C + r * ldc + j * N);
  }
}

template <std::size_t RT, class D>
HWY_INLINE void GemmRows(D d, std::size_t K, std::size_t W, const float* HWY_RESTRICT A, std::size_t a_rs,
                         std::size_t a_ks, const float* HWY_RESTRICT M, std::size_t ldm,
                         const float* HWY_RESTRICT bias, float* HWY_RESTRICT C, std::size_t ldc, bool accumulate) {
  constexpr std::size_t N = hn::MaxLanes(D());
  std::size_t c = 0;
  for (; c + 2 * N <= W; c += 2 * N)
    GemmTile<RT, 2>(d, K, A, a_rs, a_ks, M + c, ldm, bias ? bias + c : nullptr, C + c, ldc, accumulate);
  for (; c < W; c += N) GemmTile<RT, 1>(d, K, A, a_rs, a_ks, M + c, ldm, bias ? bias + c : nullptr, C + c, ldc, accumulate);
}

#if HWY_HAVE_SCALABLE
/// Scalable targets (SVE): one row × one vector of C at a time (no arrays of
/// sizeless vectors), the vector width known at run time. Same contract.
HWY_NOINLINE inline void Gemm(std::size_t R, std::size_t K, std::size_t W, const float* HWY_RESTRICT A,
                              std::size_t a_rs, std::size_t a_ks, const float* HWY_RESTRICT M, std::size_t ldm,
                              const float* HWY_RESTRICT bias, float* HWY_RESTRICT C, std::size_t ldc,
                              bool accumulate) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < W; c += N) {
      auto acc = accumulate ? hn::Load(d, C + r * ldc + c) : (bias ? hn::Load(d, bias + c) : hn::Zero(d));
      for (std::size_t k = 0; k < K; ++k)
        acc = Fma(hn::Set(d, A[r * a_rs + k * a_ks]), hn::Load(d, M + k * ldm + c), acc);
      hn::Store(acc, d, C + r * ldc + c);
    }
  }
}
#else
/// See the contract at the top of the file. Tiles of 6 rows × 2 vectors
/// (12 accumulators + 2 M vectors + 1 broadcast = 15 of AVX2's 16 registers):
/// measured on T1 against 4×2, 4×3, 5×2, 7×2, 8×1 and 12×1, and against
/// K-blocking by 128/256 — 6×2 unblocked was fastest (+50 % over 4×2).
HWY_NOINLINE inline void Gemm(std::size_t R, std::size_t K, std::size_t W, const float* HWY_RESTRICT A,
                              std::size_t a_rs, std::size_t a_ks, const float* HWY_RESTRICT M, std::size_t ldm,
                              const float* HWY_RESTRICT bias, float* HWY_RESTRICT C, std::size_t ldc,
                              bool accumulate) {
  const FloatTag d;
  std::size_t r = 0;
  for (; r + 6 <= R; r += 6) GemmRows<6>(d, K, W, A + r * a_rs, a_rs, a_ks, M, ldm, bias, C + r * ldc, ldc, accumulate);
  // The 0..5 remaining rows in as few tiles as possible (5 = 4 + 1).
  if (r + 4 <= R) {
    GemmRows<4>(d, K, W, A + r * a_rs, a_rs, a_ks, M, ldm, bias, C + r * ldc, ldc, accumulate);
    r += 4;
  } else if (r + 3 <= R) {
    GemmRows<3>(d, K, W, A + r * a_rs, a_rs, a_ks, M, ldm, bias, C + r * ldc, ldc, accumulate);
    r += 3;
  } else if (r + 2 <= R) {
    GemmRows<2>(d, K, W, A + r * a_rs, a_rs, a_ks, M, ldm, bias, C + r * ldc, ldc, accumulate);
    r += 2;
  }
  if (r < R) GemmRows<1>(d, K, W, A + r * a_rs, a_rs, a_ks, M, ldm, bias, C + r * ldc, ldc, accumulate);
}
#endif  // HWY_HAVE_SCALABLE

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
