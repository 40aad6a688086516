// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/gemm-inl.hpp — the batched kernels of training: one
// register-blocked GEMM that serves the forward pass (X·Wᵀ), the weight
// gradient (dZᵀ·X) and the input gradient (dZ·W) for both weight layouts,
// plus the activation derivatives. Re-included once per target.
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
  for (std::size_t k = 0; k < K; ++k) {
    V m[CT];
    CTNN_UNROLL_ALL
    for (std::size_t j = 0; j < CT; ++j) m[j] = hn::Load(d, M + k * ldm + j * N);
    CTNN_UNROLL_ALL
    for (std::size_t r = 0; r < RT; ++r) {
      const V a = hn::Set(d, A[r * a_rs + k * a_ks]);
      CTNN_UNROLL_ALL
      for (std::size_t j = 0; j < CT; ++j) acc[r][j] = hn::MulAdd(a, m[j], acc[r][j]);
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
        acc = hn::MulAdd(hn::Set(d, A[r * a_rs + k * a_ks]), hn::Load(d, M + k * ldm + c), acc);
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

// ------------------------------------------------------ activation backward
// dz = da ⊙ f'(z), with f'(z) written in terms of the output a = f(z), or
// of z itself for activations with backward_from_input.

template <class D, class V>
HWY_INLINE V Derivative(D, V /*a*/, V da, identity) {
  return da;
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V a, V da, relu) {
  return hn::IfThenElseZero(hn::Gt(a, hn::Zero(d)), da);
}
template <class D, class V, std::intmax_t Num, std::intmax_t Den>
HWY_INLINE V Derivative(D d, V a, V da, leaky_relu<Num, Den>) {
  return hn::IfThenElse(hn::Gt(a, hn::Zero(d)), da, hn::Mul(da, hn::Set(d, leaky_relu<Num, Den>::slope)));
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V a, V da, sigmoid) {
  return hn::Mul(da, hn::Mul(a, hn::Sub(hn::Set(d, 1.0f), a)));
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V a, V da, tanh) {
  return hn::Mul(da, hn::NegMulAdd(a, a, hn::Set(d, 1.0f)));
}

template <class D, class V, std::intmax_t Num, std::intmax_t Den>
HWY_INLINE V Derivative(D d, V a, V da, elu<Num, Den>) {
  return hn::IfThenElse(hn::Gt(a, hn::Zero(d)), da, hn::Mul(da, hn::Add(a, hn::Set(d, elu<Num, Den>::alpha))));
}
// silu, gelu and gelu_tanh: the first argument is the input z
// (backward_from_input).
template <class D, class V>
HWY_INLINE V Derivative(D d, V z, V da, silu) {
  const V s = Activate(d, z, sigmoid{});
  const V one = hn::Set(d, 1.0f);
  return hn::Mul(da, hn::Mul(s, hn::MulAdd(z, hn::Sub(one, s), one)));
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V z, V da, gelu) {
  const auto nan = hn::IsNaN(z);
  const V zc = hn::Min(hn::Abs(hn::IfThenZeroElse(nan, z)), hn::Set(d, 20.0f));
  const V pdf = hn::Mul(hn::Set(d, 0.39894228040143268f), hn::Exp(d, hn::Mul(hn::Set(d, -0.5f), hn::Mul(zc, zc))));
  const V r = hn::Mul(da, hn::MulAdd(z, pdf, NormalCdf(d, hn::IfThenZeroElse(nan, z))));
  return hn::IfThenElse(nan, z, r);
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V z, V da, gelu_tanh) {
  const V u = GeluTanhArg(d, z);
  const V s = Activate(d, hn::Add(u, u), sigmoid{});
  const V one = hn::Set(d, 1.0f);
  const V du = hn::Mul(hn::Set(d, static_cast<float>(2.0 * gelu_tanh::k)),
                       hn::MulAdd(hn::Set(d, static_cast<float>(3.0 * gelu_tanh::c)), hn::Mul(z, z), one));
  // s + z·2s(1 − s)·√(2/π)·(1 + 3c·z²)
  return hn::Mul(da, hn::MulAdd(hn::Mul(z, du), hn::Mul(s, hn::Sub(one, s)), s));
}

/// A user-defined elementwise activation: its `backward_simd(d, a, da)` on
/// the TU's static target if it has one, else its scalar `backward` per lane.
template <class D, class V, class Act>
HWY_INLINE V Derivative(D d, V a, V da, Act) {
#if HWY_TARGET == HWY_STATIC_TARGET && !CTNN_STATIC_TARGET_BEYOND_MARCH  // see ctnn/config.hpp
  if constexpr (requires { { Act::backward_simd(d, a, da) } -> std::same_as<V>; }) return Act::backward_simd(d, a, da);
#endif
  alignas(alignment) float la[hn::MaxLanes(D())];
  alignas(alignment) float lda[hn::MaxLanes(D())];
  hn::Store(a, d, la);
  hn::Store(da, d, lda);
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) la[i] = Act::backward(la[i], lda[i]);
  return hn::Load(d, la);
}

/// dz[i] = da[i]·f'(a[i]) for n floats (n a multiple of pad_floats, aligned).
/// Zero padding lanes in a and da give zero padding lanes in dz. dz may
/// alias a or da (each vector is loaded before its result is stored).
template <class Act>
HWY_NOINLINE void ActivationBackward(const float* a, const float* da, float* dz, std::size_t n) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t i = 0; i < n; i += N)
    hn::Store(Derivative(d, hn::Load(d, a + i), hn::Load(d, da + i), Act{}), d, dz + i);
}

/// Column sums: out[c] (+)= Σ_r X[r·ld + c] for c < W (W multiple of pad_floats).
HWY_NOINLINE inline void ColumnSums(std::size_t R, std::size_t W, const float* HWY_RESTRICT X, std::size_t ld,
                                    float* HWY_RESTRICT out) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t c = 0; c < W; c += N) {
    auto s = hn::Zero(d);
    for (std::size_t r = 0; r < R; ++r) s = hn::Add(s, hn::Load(d, X + r * ld + c));
    hn::Store(s, d, out + c);
  }
}

/// True if none of the n floats is NaN or ±Inf (n a multiple of pad_floats,
/// aligned): x·0 is NaN exactly for non-finite x, and NaN survives the sum.
HWY_NOINLINE inline bool AllFinite(const float* HWY_RESTRICT p, std::size_t n) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  auto acc0 = zero, acc1 = zero;
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    acc0 = hn::MulAdd(hn::Load(d, p + i), zero, acc0);
    acc1 = hn::MulAdd(hn::Load(d, p + i + N), zero, acc1);
  }
  for (; i < n; i += N) acc0 = hn::MulAdd(hn::Load(d, p + i), zero, acc0);
  return hn::AllFalse(d, hn::IsNaN(hn::Add(acc0, acc1)));
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
