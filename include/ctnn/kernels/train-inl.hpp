// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/train-inl.hpp — the training kernels besides the GEMM:
// activation derivatives, column sums (bias gradients) and the finiteness
// check of the divergence guard. Included by kernels/backend.hpp (training
// only). Re-included once per target.

#if defined(CTNN_KERNELS_TRAIN_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_TRAIN_INL_HPP_
#undef CTNN_KERNELS_TRAIN_INL_HPP_
#else
#define CTNN_KERNELS_TRAIN_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"
#include "ctnn/kernels/activation-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

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
  return hn::Mul(da, Fnma(a, a, hn::Set(d, 1.0f)));
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
  return hn::Mul(da, hn::Mul(s, Fma(z, hn::Sub(one, s), one)));
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V z, V da, gelu) {
  const auto nan = hn::IsNaN(z);
  const V zc = hn::Min(hn::Abs(hn::IfThenZeroElse(nan, z)), hn::Set(d, 20.0f));
  const V pdf = hn::Mul(hn::Set(d, 0.39894228040143268f), hn::Exp(d, hn::Mul(hn::Set(d, -0.5f), hn::Mul(zc, zc))));
  const V r = hn::Mul(da, Fma(z, pdf, NormalCdf(d, hn::IfThenZeroElse(nan, z))));
  return hn::IfThenElse(nan, z, r);
}
template <class D, class V>
HWY_INLINE V Derivative(D d, V z, V da, gelu_tanh) {
  const V u = GeluTanhArg(d, z);
  const V s = Activate(d, hn::Add(u, u), sigmoid{});
  const V one = hn::Set(d, 1.0f);
  const V du = hn::Mul(hn::Set(d, static_cast<float>(2.0 * gelu_tanh::k)),
                       Fma(hn::Set(d, static_cast<float>(3.0 * gelu_tanh::c)), hn::Mul(z, z), one));
  // s + z·2s(1 − s)·√(2/π)·(1 + 3c·z²)
  return hn::Mul(da, Fma(hn::Mul(z, du), hn::Mul(s, hn::Sub(one, s)), s));
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
    acc0 = Fma(hn::Load(d, p + i), zero, acc0);
    acc1 = Fma(hn::Load(d, p + i + N), zero, acc1);
  }
  for (; i < n; i += N) acc0 = Fma(hn::Load(d, p + i), zero, acc0);
  return hn::AllFalse(d, hn::IsNaN(hn::Add(acc0, acc1)));
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
