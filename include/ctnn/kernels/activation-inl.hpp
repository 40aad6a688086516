// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/activation-inl.hpp — Highway versions of the activations.
// Re-included once per target (per-target include guard, no #pragma once).
//
// Contract and accuracy (float32, measured against the double-precision
// oracle in reference.hpp by tests/kernels/kernels.test.cpp on every
// target the machine supports, for ActivateInPlace and ActivateTo):
//   identity, relu, leaky_relu  exact
//   sigmoid  ≤ 3 ulp, every float incl. subnormal results (exp(-|x|)
//            never overflows; its own exp, then one add and one divide)
//   tanh     ≤ 4 ulp (a rational minimax fit, see TanhRational)
//   elu      ≤ 4 ulp (Highway's Expm1)
//   silu     ≤ 4 ulp (x · the sigmoid above)
//   gelu     ≤ 5e-6 relative for results above 1e-36 (erfc from a
//            Chebyshev fit with fractional error < 1.2e-7, times Highway's
//            Exp; ~4e-7 where an FMA splits x² exactly, ~4e-6 on targets
//            that emulate FMA)
//   gelu_tanh ≤ 5e-6 relative for results above 1e-12 (computed as
//            x·sigmoid(2u), no cancellation; further out the float rounding
//            of u, |u|·2^-24, dominates — as in PyTorch's own float)
//   softmax  each output within 4 ulp of the oracle; the max is taken over the
//            valid lanes only and padding lanes never enter the sum; padding
//            lanes are written as 0.
// NaN inputs propagate: every activation returns NaN for NaN, on every
// target, like the scalar reference (softmax: a NaN anywhere in the layer
// makes the whole layer NaN).

#if defined(CTNN_KERNELS_ACTIVATION_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_ACTIVATION_INL_HPP_
#undef CTNN_KERNELS_ACTIVATION_INL_HPP_
#else
#define CTNN_KERNELS_ACTIVATION_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"
#include <hwy/contrib/math/math-inl.h>

#include <cstddef>
#include <concepts>
#include <limits>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D, class V>
HWY_INLINE V Activate(D, V v, identity) {
  return v;
}

template <class D, class V>
HWY_INLINE V Activate(D d, V v, relu) {
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
  // x86 max(a, b) returns b when either is NaN: max(0, v) keeps a NaN v.
  // (Saves the NaN test + blend on the latency path; the all-target tests
  // check relu(NaN) = NaN on every target.)
  return hn::Max(hn::Zero(d), v);
#else
  // Elsewhere Max alone may turn NaN into 0; keep NaN explicitly.
  return hn::IfThenElse(hn::IsNaN(v), v, hn::Max(hn::Zero(d), v));
#endif
}

template <class D, class V, std::intmax_t Num, std::intmax_t Den>
HWY_INLINE V Activate(D d, V v, leaky_relu<Num, Den>) {
  const V scaled = hn::Mul(v, hn::Set(d, leaky_relu<Num, Den>::slope));
  return hn::IfThenElse(hn::Gt(v, hn::Zero(d)), v, scaled);
}

/// Highway's Exp with NaN lanes passed through untouched: its
/// float→int step is undefined behaviour for NaN on the emulated targets
/// (UBSan reports it; infinities saturate and are fine), so NaN lanes are
/// computed as 0 and the NaN is put back.
template <class D, class V>
HWY_INLINE V ExpKeepNaN(D d, V x) {
  const auto nan = hn::IsNaN(x);
  return hn::IfThenElse(nan, x, hn::Exp(d, hn::IfThenZeroElse(nan, x)));
}

/// sigmoid(x) = num / den with e = exp(−|x|), num = e for x < 0 and 1
/// otherwise, den = 1 + e: no overflow, no cancellation, one divide.
/// The exp is written out for the latency of S1's output neuron: n =
/// round(−|x|/ln 2) by the 1.5·2^23 shift (no float↔int conversion, so
/// no undefined NaN conversion on the emulated targets), r = −|x| − n·ln 2
/// in two FMAs, e^r = 1 + r + r²·(k0 + k1 r) + r⁴·(k2 + … + k5 r³) from
/// Highway's coefficients (three FMA levels after r² instead of five), and
/// 2^n by the exponent bits. Results below 2^-126 (x < −87.3, where
/// 1 + e = 1) scale by 2^(n+64) and divide by 2^64: rounded once into the
/// subnormals. Only correctly rounded operations and FMAs: the same bits on
/// every target with an FMA (SCALAR and EMU128 too, through std::fma);
/// SSE4 and SSSE3 round the products separately (tests/kernels checks both
/// with a hash of 1.8 million results per target). Every float: ≤ 3 ulp
/// (tools/accuracy/tanh_ulp.cpp). 25 → 15 ns
/// of S1's 53 ns on an Intel AVX-512 core (g++ 12).
template <class D, class V>
HWY_INLINE V Activate(D d, V v, sigmoid) {
  const hn::RebindToUnsigned<D> du;
  const V one = hn::Set(d, 1.0f);
  // −|x|, clamped to −104 (e^−104 rounds to 0 in float); x86's max returns
  // its second operand for NaN, so a NaN stays NaN.
  const V y = hn::Max(hn::Set(d, -104.0f), hn::Or(v, hn::Set(d, -0.0f)));
  const V shift = hn::Set(d, 12582912.0f);  // 1.5·2^23: t's low bits hold n
  const V t = Fma(y, hn::Set(d, 1.44269504088896341f), shift);
  const V n = hn::Sub(t, shift);  // round(y / ln 2) in [−150, 0]
  V r = Fma(n, hn::Set(d, -0.693145751953125f), y);  // ln 2's high part: n·it is exact
  r = Fma(n, hn::Set(d, -1.428606765330187045e-6f), r);
  const V r2 = hn::Mul(r, r), r4 = hn::Mul(r2, r2);
  const V low = Fma(r2, Fma(hn::Set(d, 0.166666671633720397949219f), r, hn::Set(d, 0.5f)), hn::Add(one, r));
  const V high = Fma(r2, Fma(hn::Set(d, 0.000198527617612853646278381f), r, hn::Set(d, 0.00139304355252534151077271f)),
                     Fma(hn::Set(d, 0.00833336077630519866943359f), r, hn::Set(d, 0.0416664853692054748535156f)));
  const V er = Fma(r4, high, low);  // e^r, r in [−ln2/2, ln2/2]
  const auto tiny = hn::Lt(n, hn::Set(d, -126.5f));
  const auto bias = hn::IfThenElse(hn::RebindMask(du, tiny), hn::Set(du, 127u + 64u), hn::Set(du, 127u));
  const V e = hn::Mul(er, hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(hn::BitCast(du, t), bias))));
  const auto negative = hn::Lt(v, hn::Zero(d));
  const V den = hn::IfThenElse(hn::And(tiny, negative), hn::Set(d, 18446744073709551616.0f), hn::Add(one, e));
  const V s = hn::Div(hn::IfThenElse(negative, e, one), den);
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
  return s;  // NaN went through every step (the all-target tests check it)
#else
  return hn::IfThenElse(hn::IsNaN(v), v, s);  // Max may have dropped it
#endif
}

/// tanh(x) = x·P(x²)/Q(x²) on |x| ≤ 9.02 (P of degree 5, Q of degree 4 in
/// x²), clamped beyond, where tanh rounds to ±1 in float. The coefficients
/// are a relative minimax fit of tanh(x)/x (tools/fixtures/fit_tanh.py:
/// 1.3e-9), rounded to float and then nudged by a few ulp each to minimise
/// the float evaluation's worst case. The quotient is corrected once with
/// the exact residuals of the product and the division (two FMAs): without
/// it the roundings of x·P and P/Q add up to 5 ulp near x = 3.9. Every
/// float is within 4 ulp of tanh (tools/accuracy/tanh_ulp.cpp;
/// the all-target tests in tests/kernels check samples on every target).
/// Twelve FMAs, a divide and a reciprocal estimate in two independent
/// chains: about half the work of the Expm1-based form it replaces (S3).
/// With kActivationPassApart the constants are read from memory as
/// multiply-add operands instead of being held in registers.
template <class D, class V>
HWY_INLINE V TanhRational(D d, V x) {
  // The clamp, then P's and Q's coefficients, highest degree first.
  alignas(16) static constexpr float kCoefficients[] = {
      9.02f,           -1.220357496e-11f, 3.058518061e-08f, 2.800752918e-05f,
      3.868331201e-03f, 1.367991716e-01f, 1.287371333e-06f, 3.938637092e-04f,
      2.724585123e-02f, 4.701324999e-01f};
  const float* HWY_RESTRICT k = kCoefficients;
  if constexpr (kActivationPassApart) k = detail::opaque(k);
  const V one = hn::Set(d, 1.0f);
  const V c = hn::Set(d, k[0]);
  const V xc = hn::Min(hn::Max(x, hn::Neg(c)), c);
  const V t = hn::Mul(xc, xc);
  V p = hn::Set(d, k[1]);
  p = Fma(p, t, hn::Set(d, k[2]));
  p = Fma(p, t, hn::Set(d, k[3]));
  p = Fma(p, t, hn::Set(d, k[4]));
  p = Fma(p, t, hn::Set(d, k[5]));
  p = Fma(p, t, one);
  V q = hn::Set(d, k[6]);
  q = Fma(q, t, hn::Set(d, k[7]));
  q = Fma(q, t, hn::Set(d, k[8]));
  q = Fma(q, t, hn::Set(d, k[9]));
  q = Fma(q, t, one);
  const V xp = hn::Mul(xc, p);
  const V xp_err = Fms(xc, p, xp);  // x·p − xp, exact with an FMA
  const V r = hn::Div(xp, q);
  const V residual = hn::Add(Fnma(r, q, xp), xp_err);  // x·p − r·q
  return Fma(residual, hn::ApproximateReciprocal(q), r);
}

/// The gate activations of the recurrent cells (GRU, LSTM), where two of
/// them lie on the dependency chain of every step: the same rational tanh
/// as TanhRational, its polynomials evaluated in Estrin's scheme (depth 4
/// instead of 6) and without the correction step — about 12 cycles less
/// latency, at most 5 ulp from tanh instead of 4 (every float, checked by
/// tools/accuracy/tanh_ulp). NaN stays NaN.
/// Halve = true computes tanh(x/2) with the coefficients scaled by powers
/// of two instead (exact), which saves the multiplication: the same bits as
/// GateTanh(x·0.5).
template <bool Halve = false, class D, class V>
HWY_INLINE V GateTanh(D d, V x) {
  // x·P(x²)/Q(x²) = y·P(y²)/Q(y²) at y = x/2 when P_k, Q_k are scaled by
  // 2^(−2k−1) and 2^(−2k).
  constexpr float s = Halve ? 0.25f : 1.0f, s0p = Halve ? 0.5f : 1.0f;
  const V c = hn::Set(d, Halve ? 18.04f : 9.02f);
  const V xc = hn::Min(hn::Max(x, hn::Neg(c)), c);
  const V t = hn::Mul(xc, xc);
  const V t2 = hn::Mul(t, t);
  const V p01 = Fma(hn::Set(d, 1.367991716e-01f * s * s0p), t, hn::Set(d, 1.0f * s0p));
  const V p23 = Fma(hn::Set(d, 2.800752918e-05f * s * s * s * s0p), t,
                           hn::Set(d, 3.868331201e-03f * s * s * s0p));
  const V p45 = Fma(hn::Set(d, -1.220357496e-11f * s * s * s * s * s * s0p), t,
                           hn::Set(d, 3.058518061e-08f * s * s * s * s * s0p));
  const V p = Fma(Fma(p45, t2, p23), t2, p01);
  const V q01 = Fma(hn::Set(d, 4.701324999e-01f * s), t, hn::Set(d, 1.0f));
  const V q23 = Fma(hn::Set(d, 3.938637092e-04f * s * s * s), t, hn::Set(d, 2.724585123e-02f * s * s));
  const V q = Fma(Fma(hn::Set(d, 1.287371333e-06f * s * s * s * s), t2, q23), t2, q01);
  return hn::IfThenElse(hn::IsNaN(x), x, hn::Div(hn::Mul(xc, p), q));
}
/// σ(x) = (1 + tanh(x/2))/2 through GateTanh: absolute error at most 2e-7
/// (1.8e-7 measured over every float: tools/accuracy/tanh_ulp); NaN stays NaN.
/// The halving is a multiplication, not GateTanh<true>'s scaled
/// coefficients (the same bits): a step's gates then share one set of
/// constants — clang 16 hoists them all into registers and spilled the
/// LSTM-16 step's (116 → 78 ns on Zen 4; g++ unchanged).
template <class D, class V>
HWY_INLINE V GateSigmoid(D d, V x) {
  const V half = hn::Set(d, 0.5f);
  return Fma(half, GateTanh(d, hn::Mul(half, x)), half);
}

template <class D, class V>
HWY_INLINE V Activate(D d, V v, tanh) {
  return hn::IfThenElse(hn::IsNaN(v), v, TanhRational(d, v));
}

template <class D, class V, std::intmax_t Num, std::intmax_t Den>
HWY_INLINE V Activate(D d, V v, elu<Num, Den>) {
  // Expm1 sees min(v, 0) clamped to -100 (e^-100 − 1 = −1 in float) and no NaN.
  const auto nan = hn::IsNaN(v);
  const V neg = hn::Max(hn::Min(hn::IfThenZeroElse(nan, v), hn::Zero(d)), hn::Set(d, -100.0f));
  const V r = hn::Mul(hn::Set(d, elu<Num, Den>::alpha), hn::Expm1(d, neg));
  return hn::IfThenElse(hn::Gt(v, hn::Zero(d)), v, hn::IfThenElse(nan, v, r));
}

template <class D, class V>
HWY_INLINE V Activate(D d, V v, silu) {
  return hn::Mul(v, Activate(d, v, sigmoid{}));
}

/// Φ(x) = ½·erfc(−x/√2) for x without NaN. erfc(a), a = |x|/√2, is
/// t·e^(−a² + P(t)), t = 1/(1 + a/2), with the 10-term Chebyshev fit P of
/// Numerical Recipes' erfcc (fractional error < 1.2e-7 for every a); Φ(x) is
/// erfc/2 for x < 0 and 1 − erfc/2 otherwise. e^(−a²) is taken as
/// e^(−hi/2)·e^(−lo/2) with x² = hi + lo split exactly by an FMA: rounding
/// x/√2 or −a² + P to float would cost |a²|·2^-23 relative (1e-5 at x = −11).
/// |x| is clamped to 14 (erfc(9.9) ≈ 0 in float).
template <class D, class V>
HWY_INLINE V NormalCdf(D d, V x) {
  const V ax = hn::Min(hn::Abs(x), hn::Set(d, 14.0f));
  const V a = hn::Mul(ax, hn::Set(d, 0.70710678118654752f));
  const V t = hn::Div(hn::Set(d, 1.0f), Fma(a, hn::Set(d, 0.5f), hn::Set(d, 1.0f)));
  V p = hn::Set(d, 0.17087277f);
  p = Fma(p, t, hn::Set(d, -0.82215223f));
  p = Fma(p, t, hn::Set(d, 1.48851587f));
  p = Fma(p, t, hn::Set(d, -1.13520398f));
  p = Fma(p, t, hn::Set(d, 0.27886807f));
  p = Fma(p, t, hn::Set(d, -0.18628806f));
  p = Fma(p, t, hn::Set(d, 0.09678418f));
  p = Fma(p, t, hn::Set(d, 0.37409196f));
  p = Fma(p, t, hn::Set(d, 1.00002368f));
  p = Fma(p, t, hn::Set(d, -1.26551223f));
  const V half = hn::Set(d, 0.5f);
  const V hi = hn::Mul(ax, ax);
  const V lo = Fms(ax, ax, hi);
  const V e = hn::Mul(hn::Mul(t, hn::Exp(d, hn::Mul(hn::Neg(half), hi))), hn::Exp(d, Fnma(half, lo, p)));
  const V half_e = hn::Mul(half, e);  // ½·erfc(|x|/√2) = Φ(−|x|)
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), half_e, hn::Sub(hn::Set(d, 1.0f), half_e));
}

template <class D, class V>
HWY_INLINE V Activate(D d, V v, gelu) {
  const auto nan = hn::IsNaN(v);
  return hn::IfThenElse(nan, v, hn::Mul(v, NormalCdf(d, hn::IfThenZeroElse(nan, v))));
}

/// √(2/π)·(x + 0.044715·x³) for gelu_tanh.
template <class D, class V>
HWY_INLINE V GeluTanhArg(D d, V x) {
  const V x2 = hn::Mul(x, x);
  return hn::Mul(hn::Mul(hn::Set(d, static_cast<float>(gelu_tanh::k)), x),
                 Fma(hn::Set(d, static_cast<float>(gelu_tanh::c)), x2, hn::Set(d, 1.0f)));
}

/// gelu_tanh as x·sigmoid(2u): ½(1 + tanh(u)) = sigmoid(2u), without the
/// cancellation of 1 + tanh(u) for x → −∞.
template <class D, class V>
HWY_INLINE V Activate(D d, V v, gelu_tanh) {
  return hn::Mul(v, Activate(d, hn::Add(GeluTanhArg(d, v), GeluTanhArg(d, v)), sigmoid{}));
}

/// A user-defined elementwise activation (see ctnn::Activation): its
/// `apply_simd(d, v)` if it has one and this is the TU's static target,
/// else its constexpr scalar `apply` lane by lane.
template <class D, class V, class Act>
HWY_INLINE V Activate(D d, V v, Act) {
#if HWY_TARGET == HWY_STATIC_TARGET && !CTNN_STATIC_TARGET_BEYOND_MARCH  // see ctnn/config.hpp
  if constexpr (requires { { Act::apply_simd(d, v) } -> std::same_as<V>; }) return Act::apply_simd(d, v);
#endif
  alignas(alignment) float lanes[hn::MaxLanes(D())];
  hn::Store(v, d, lanes);
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) lanes[i] = Act::apply(lanes[i]);
  return hn::Load(d, lanes);
}

/// Applies an elementwise activation in place to `n` floats, n a multiple of
/// pad_floats and `p` aligned to ctnn::alignment.
template <class Act>
CTNN_KERNEL_ENTRY void ActivateInPlace(float* HWY_RESTRICT p, std::size_t n) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t i = 0; i < n; i += N) hn::Store(Activate(d, hn::Load(d, p + i), Act{}), d, p + i);
}

/// y = act(z) for `n` floats (elementwise activations; n a multiple of
/// pad_floats, both aligned).
template <class Act>
CTNN_KERNEL_ENTRY void ActivateTo(const float* HWY_RESTRICT z, float* HWY_RESTRICT y, std::size_t n) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t i = 0; i < n; i += N) hn::Store(Activate(d, hn::Load(d, z + i), Act{}), d, y + i);
}

/// Exact, overflow-safe softmax in place over the first `Count` of `Padded`
/// floats (Padded a multiple of pad_floats, 1 <= Count <= Padded, `p`
/// aligned). Lanes in [Count, Padded) are ignored on input and set to 0.
template <std::size_t Count, std::size_t Padded>
HWY_INLINE void SoftmaxInPlace(float* HWY_RESTRICT p) {
  static_assert(Count >= 1 && Count <= Padded && Padded % pad_floats == 0);
  const FloatTag d;
  using V = hn::Vec<decltype(d)>;
  // Lanes(d) is a constant on fixed-width targets (the branches below fold
  // away) and a run-time value on SVE.
  const std::size_t N = hn::Lanes(d);
  const std::size_t full = Count / N * N;  // lanes in whole vectors
  const std::size_t rest = Count - full;   // valid lanes in the last vector
  const V neg_inf = hn::Set(d, -std::numeric_limits<float>::infinity());
  V vmax = neg_inf;
  for (std::size_t i = 0; i < full; i += N) vmax = hn::Max(vmax, hn::Load(d, p + i));
  if (rest != 0) vmax = hn::Max(vmax, hn::IfThenElse(hn::FirstN(d, rest), hn::Load(d, p + full), neg_inf));
  const V m = hn::MaxOfLanes(d, vmax);

  V vsum = hn::Zero(d);
  for (std::size_t i = 0; i < full; i += N) {
    const V e = ExpKeepNaN(d, hn::Sub(hn::Load(d, p + i), m));
    hn::Store(e, d, p + i);
    vsum = hn::Add(vsum, e);
  }
  if (rest != 0) {
    // Padding lanes may hold anything: exp(0) there, then masked to 0.
    const auto valid = hn::FirstN(d, rest);
    const V e = hn::IfThenElseZero(valid, ExpKeepNaN(d, hn::IfThenElseZero(valid, hn::Sub(hn::Load(d, p + full), m))));
    hn::Store(e, d, p + full);
    vsum = hn::Add(vsum, e);
  }
  const std::size_t used = rest != 0 ? full + N : full;
  for (std::size_t i = used; i < Padded; i += N) hn::Store(hn::Zero(d), d, p + i);
  const V sum = hn::SumOfLanes(d, vsum);
  for (std::size_t i = 0; i < used; i += N) hn::Store(hn::Div(hn::Load(d, p + i), sum), d, p + i);
}

/// A whole-layer activation in place over the first Count of Padded floats:
/// the SIMD softmax, or a user type's scalar `apply(p, Count)`. Padding
/// lanes are set to 0 either way.
template <class Act, std::size_t Count, std::size_t Padded>
CTNN_KERNEL_ENTRY void WholeLayerInPlace(float* HWY_RESTRICT p) {
  if constexpr (std::is_same_v<Act, softmax>) {
    SoftmaxInPlace<Count, Padded>(p);
  } else {
    Act::apply(p, Count);
    for (std::size_t i = Count; i < Padded; ++i) p[i] = 0.0f;
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
