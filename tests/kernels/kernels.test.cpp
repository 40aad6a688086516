// SPDX-License-Identifier: Apache-2.0
// Every Highway kernel against the scalar reference, on every target this
// machine supports (the TU is compiled for all attainable targets and each
// test loops over them with hwy::SetSupportedTargetsForTest), at awkward
// sizes: 1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100, 127, 784.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels.test.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ctnn/kernels/gemm-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/kernels/optimizer-inl.hpp"
#include "ctnn/kernels/train-inl.hpp"
#include "ctnn/layers/bf16_layer-inl.hpp"
#include "ctnn/layers/dense-inl.hpp"
#include "ctnn/optimizers/rmsprop.hpp"

#ifndef CTNN_KERNELS_TEST_ONCE_
#define CTNN_KERNELS_TEST_ONCE_
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <hwy/aligned_allocator.h>

#include "ctnn/kernels/reference.hpp"
#include "ctnn/optimizers.hpp"
#include "compare.hpp"
#include "test_util.hpp"

namespace ctnn_test {
inline constexpr std::array<std::size_t, 13> kSizes = {1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100, 127, 784};

}  // namespace ctnn_test
#endif

HWY_BEFORE_NAMESPACE();
namespace ctnn_test::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace k = ctnn::HWY_NAMESPACE;

std::int64_t CurrentTarget() { return HWY_TARGET; }

// ---------------------------------------------------------------- activations

/// Runs both elementwise entry kernels, ActivateInPlace<Act> and
/// ActivateTo<Act> (out of place: the training path), over `values` in
/// chunks of every size of kSizes (zero padding after each chunk) and calls
/// on(got, value) for each result of each. ActivateTo must leave its source
/// as it was (a changed source reports NaN).
template <class Act, class F>
void ForEachActivated(const std::vector<float>& values, F&& on) {
  alignas(64) float buf[ctnn::padded(784)];
  alignas(64) float src[ctnn::padded(784)];
  alignas(64) float dst[ctnn::padded(784)];
  for (std::size_t n : kSizes) {
    for (std::size_t start = 0; start < values.size(); start += n) {
      const std::size_t m = std::min(n, values.size() - start);
      const std::size_t padded = ctnn::padded(m);
      std::fill(buf, buf + padded, 0.0f);
      std::copy(values.begin() + static_cast<std::ptrdiff_t>(start),
                values.begin() + static_cast<std::ptrdiff_t>(start + m), buf);
      std::copy(buf, buf + padded, src);
      std::fill(dst, dst + padded, std::numeric_limits<float>::quiet_NaN());
      k::ActivateInPlace<Act>(buf, padded);
      k::ActivateTo<Act>(src, dst, padded);
      for (std::size_t i = 0; i < m; ++i) {
        const float x = values[start + i];
        on(buf[i], x);
        const bool source_kept = std::bit_cast<std::uint32_t>(src[i]) == std::bit_cast<std::uint32_t>(x);
        on(source_kept ? dst[i] : std::numeric_limits<float>::quiet_NaN(), x);
      }
    }
  }
}

/// Max ulp error of ActivateInPlace<Act> over `values`, at every size.
template <class Act>
std::int64_t ActivationMaxUlp(const std::vector<float>& values, std::size_t* compared) {
  std::int64_t worst = 0;
  ForEachActivated<Act>(values, [&](float got, float x) {
    worst = std::max(worst, ulp_distance(got, Act::apply(x)));
    ++*compared;
  });
  return worst;
}

std::vector<float> ActivationInputs(float lo, float hi) {
  std::vector<float> v;
  ctnn::rng g(7);
  for (int i = 0; i < 20000; ++i) v.push_back(uniform(g, lo, hi));
  for (float x = -4.0f; x <= 4.0f; x += 1.0f / 64) v.push_back(x);  // dense near 0
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 1e-3f, -1e-3f}) v.push_back(x);
  return v;
}

std::int64_t SigmoidMaxUlp(std::size_t* n) { return ActivationMaxUlp<ctnn::sigmoid>(ActivationInputs(-87.0f, 100.0f), n); }
std::int64_t TanhMaxUlp(std::size_t* n) { return ActivationMaxUlp<ctnn::tanh>(ActivationInputs(-30.0f, 30.0f), n); }
std::int64_t ReluMaxUlp(std::size_t* n) { return ActivationMaxUlp<ctnn::relu>(ActivationInputs(-1e3f, 1e3f), n); }
std::int64_t LeakyMaxUlp(std::size_t* n) {
  return ActivationMaxUlp<ctnn::leaky_relu<1, 10>>(ActivationInputs(-1e3f, 1e3f), n);
}
std::int64_t IdentityMaxUlp(std::size_t* n) { return ActivationMaxUlp<ctnn::identity>(ActivationInputs(-1e3f, 1e3f), n); }

/// Max relative error of ActivateInPlace<Act> (|simd − oracle| over
/// max(|oracle|, floor)) at every size: the non-exact activations built on an
/// erfc fit or a difference of near-equal terms (gelu, gelu_tanh).
template <class Act>
double ActivationMaxRel(const std::vector<float>& values, double floor) {
  double worst = 0;
  ForEachActivated<Act>(values, [&](float got, float x) {
    const double ref = Act::apply(x);
    const double e = std::abs(got - ref) / std::max(std::abs(ref), floor);
    worst = std::isnan(e) ? 1e30 : std::max(worst, e);
  });
  return worst;
}
std::int64_t EluMaxUlp(std::size_t* n) { return ActivationMaxUlp<ctnn::elu<>>(ActivationInputs(-100.0f, 100.0f), n); }
std::int64_t SiluMaxUlp(std::size_t* n) { return ActivationMaxUlp<ctnn::silu>(ActivationInputs(-80.0f, 100.0f), n); }
double GeluMaxRel() { return ActivationMaxRel<ctnn::gelu>(ActivationInputs(-13.0f, 100.0f), 1e-36); }
double GeluTanhMaxRel() { return ActivationMaxRel<ctnn::gelu_tanh>(ActivationInputs(-13.0f, 100.0f), 1e-12); }

/// sigmoid far in the negative tail (subnormal results): absolute error.
double SigmoidTailMaxAbs() {
  alignas(64) float buf[16];
  double worst = 0;
  for (float x = -1e4f; x < -80.0f; x *= 0.97f) {
    std::fill(buf, buf + 16, x);
    k::ActivateInPlace<ctnn::sigmoid>(buf, 16);
    worst = std::max(worst, std::abs(static_cast<double>(buf[0]) - ctnn::sigmoid::apply(x)));
    if (!(buf[0] >= 0.0f)) return std::numeric_limits<double>::infinity();
  }
  return worst;
}

/// FNV-1a of the bits ActivateInPlace<sigmoid> gives for every 4,099th
/// float bit pattern (NaNs left out: their payload is not part of the
/// claim) and every 389th of ±[2^-10, 128), in 784-float rows: 1.8 million
/// inputs. The inputs are bit patterns, not arithmetic: this code is
/// compiled once per target, and a computed input could differ between
/// targets by the compiler's FMA contraction.
std::uint64_t SigmoidBitsHash() {
  std::vector<float> v;
  for (std::uint64_t u = 0; u <= 0xffffffffu; u += 4099) {
    const float x = std::bit_cast<float>(static_cast<std::uint32_t>(u));
    if (x == x) v.push_back(x);
  }
  for (std::uint32_t u = 0x3a800000u; u < 0x43000000u; u += 389) {
    v.push_back(std::bit_cast<float>(u));
    v.push_back(std::bit_cast<float>(u | 0x80000000u));
  }
  alignas(64) float buf[ctnn::padded(784)];
  std::uint64_t h = 0xcbf29ce484222325u;
  for (std::size_t start = 0; start < v.size(); start += 784) {
    const std::size_t m = std::min<std::size_t>(784, v.size() - start);
    std::fill(buf, buf + ctnn::padded(784), 0.0f);
    std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(start), m, buf);
    k::ActivateInPlace<ctnn::sigmoid>(buf, ctnn::padded(m));
    for (std::size_t i = 0; i < m; ++i) h = (h ^ std::bit_cast<std::uint32_t>(buf[i])) * 0x100000001b3u;
  }
  return h;
}

/// softmax kernel vs reference at one size, including huge logits.
template <std::size_t n>
void SoftmaxCompareOne(Compare& c, ctnn::rng& g) {
  constexpr std::size_t padded = ctnn::padded(n);
  alignas(64) float buf[padded];
  float ref[n], logits[n];
  for (float scale : {1.0f, 30.0f, 1e4f}) {
    for (std::size_t i = 0; i < padded; ++i) buf[i] = i < n ? uniform(g, -scale, scale) : 1e30f;  // garbage padding
    std::copy(buf, buf + n, ref);
    std::copy(buf, buf + n, logits);
    ctnn::softmax::apply(ref, n);
    k::SoftmaxInPlace<n, padded>(buf);
    const float m = *std::max_element(logits, logits + n);
    // The kernel sums in float: N lane-wise sums of ceil(n/N) terms, then a
    // log2(N)-deep reduction; that sum's relative error is at most k·u.
    const std::size_t lanes = hn::Lanes(hn::ScalableTag<float>());
    const double k_sum = static_cast<double>((n + lanes - 1) / lanes) + std::log2(static_cast<double>(lanes)) + 1;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += buf[i];
      // 4 ulp of the result, plus the float rounding of x - max (half an ulp
      // of |x - max|, inherent to float32) that exp turns into a relative
      // error, plus the float sum's error, plus subnormal noise.
      const double d = std::abs(static_cast<double>(logits[i]) - m);
      c.add(std::abs(static_cast<double>(buf[i]) - ref[i]),
            ((4 + d) * 1.2e-7 + k_sum * 6e-8) * std::abs(ref[i]) + 1e-37);
    }
    for (std::size_t i = n; i < padded; ++i) c.add(std::abs(buf[i]), 0.0);  // padding is zero
    c.add(std::abs(sum - 1.0), 1e-6 * static_cast<double>(n));
  }
}

template <std::size_t... I>
Compare SoftmaxCompareAll(std::index_sequence<I...>) {
  Compare c;
  ctnn::rng g(11);
  (SoftmaxCompareOne<kSizes[I]>(c, g), ...);
  return c;
}
Compare SoftmaxCompare() { return SoftmaxCompareAll(std::make_index_sequence<kSizes.size()>{}); }

/// Number of lanes where an activation of NaN is not NaN (must be 0), over
/// every lane position of a vector, for every elementwise activation.
template <class Act>
std::size_t NanLost(float* buf, std::size_t n) {
  std::size_t lost = 0;
  for (std::size_t at = 0; at < n; ++at) {
    for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<float>(i) - 7.5f;
    buf[at] = std::numeric_limits<float>::quiet_NaN();
    k::ActivateInPlace<Act>(buf, n);
    lost += !std::isnan(buf[at]);
    for (std::size_t i = 0; i < n; ++i) lost += i != at && std::isnan(buf[i]);  // and no NaN elsewhere
  }
  return lost;
}
std::size_t NanPropagation() {
  alignas(64) float buf[32];
  return NanLost<ctnn::relu>(buf, 32) + NanLost<ctnn::leaky_relu<1, 10>>(buf, 32) + NanLost<ctnn::sigmoid>(buf, 32) +
         NanLost<ctnn::tanh>(buf, 32) + NanLost<ctnn::identity>(buf, 32) + NanLost<ctnn::elu<>>(buf, 32) +
         NanLost<ctnn::silu>(buf, 32) + NanLost<ctnn::gelu>(buf, 32) + NanLost<ctnn::gelu_tanh>(buf, 32);
}

// ---------------------------------------------------------------------- dense

/// Compares LayerForward with reference::layer_forward for one layer type.
/// Allowed error: 2e-6 of Σ|w·x| + |b| per output (float accumulation order),
/// plus 4 ulp for the activation.
template <class Layer>
void CompareLayer(Compare& c, std::uint64_t seed) {
  auto layer = std::make_unique<Layer>();  // aligned new honours alignas(64)
  randomize(*layer, seed);
  ctnn::rng g(seed + 1);
  alignas(64) float x[Layer::in_padded];
  alignas(64) float y[Layer::out_padded];
  float ref[Layer::out_extent];
  for (std::size_t i = 0; i < Layer::in_padded; ++i) x[i] = i < Layer::in_extent ? uniform(g, -1.0f, 1.0f) : 0.0f;
  std::fill(y, y + Layer::out_padded, std::numeric_limits<float>::quiet_NaN());
  k::LayerForward(*layer, x, y);
  ctnn::reference::layer_forward(*layer, x, ref);
  for (std::size_t o = 0; o < Layer::out_extent; ++o) {
    double mag = std::abs(layer->bias(o));
    for (std::size_t i = 0; i < Layer::in_extent; ++i) mag += std::abs(static_cast<double>(layer->weight(o, i)) * x[i]);
    c.add(std::abs(static_cast<double>(y[o]) - ref[o]), 2e-6 * mag + 4 * 1.2e-7 * std::abs(ref[o]));
  }
  for (std::size_t o = Layer::out_extent; o < Layer::out_padded; ++o) c.add(std::isfinite(y[o]) ? 0.0 : 1.0, 0.0);
}

/// The same comparison for the layer's bf16 twin (ctnn::bf16_layer): the
/// kernels widen bf16 weights on load; the reference uses the same rounded
/// weights, so the allowed error is the fp32 one.
template <class Layer>
void CompareBf16Layer(Compare& c, std::uint64_t seed) {
  auto source = std::make_unique<Layer>();
  randomize(*source, seed);
  auto layer = std::make_unique<ctnn::bf16_layer<Layer>>();
  layer->assign(*source);
  ctnn::rng g(seed + 1);
  alignas(64) float x[Layer::in_padded];
  alignas(64) float y[Layer::out_padded];
  float ref[Layer::out_extent];
  for (std::size_t i = 0; i < Layer::in_padded; ++i) x[i] = i < Layer::in_extent ? uniform(g, -1.0f, 1.0f) : 0.0f;
  std::fill(y, y + Layer::out_padded, std::numeric_limits<float>::quiet_NaN());
  k::LayerForward(*layer, x, y);
  ctnn::reference::layer_forward(*layer, x, ref);
  for (std::size_t o = 0; o < Layer::out_extent; ++o) {
    double mag = std::abs(layer->bias(o));
    for (std::size_t i = 0; i < Layer::in_extent; ++i) mag += std::abs(static_cast<double>(layer->weight(o, i)) * x[i]);
    c.add(std::abs(static_cast<double>(y[o]) - ref[o]), 2e-6 * mag + 4 * 1.2e-7 * std::abs(ref[o]));
    // The bf16 weights are the fp32 ones rounded to 8 significant bits:
    // within half an ulp, 2^-8 relative.
    for (std::size_t i = 0; i < Layer::in_extent; ++i) {
      const double w32 = source->weight(o, i), w16 = layer->weight(o, i);
      c.add(std::abs(w16 - w32), std::ldexp(std::abs(w32), -8));
    }
  }
  for (std::size_t o = Layer::out_extent; o < Layer::out_padded; ++o) c.add(std::isfinite(y[o]) ? 0.0 : 1.0, 0.0);
}

template <ctnn::layout L, std::size_t... I>
void CompareBf16Sizes(Compare& c, std::index_sequence<I...>) {
  (CompareBf16Layer<ctnn::dense_layer<kSizes[I], 17, ctnn::relu, L>>(c, 300 + I), ...);
  (CompareBf16Layer<ctnn::dense_layer<33, kSizes[I], ctnn::sigmoid, L>>(c, 400 + I), ...);
  CompareBf16Layer<ctnn::dense_layer<100, 131, ctnn::tanh, L>>(c, 500);
  CompareBf16Layer<ctnn::dense_layer<31, 64, ctnn::identity, L>>(c, 501);
  CompareBf16Layer<ctnn::dense_layer<31, 12, ctnn::softmax, L>>(c, 502);
}
Compare DenseBf16Compare() {
  Compare c;
  CompareBf16Sizes<ctnn::layout::broadcast>(c, std::make_index_sequence<kSizes.size()>{});
  CompareBf16Sizes<ctnn::layout::dot>(c, std::make_index_sequence<kSizes.size()>{});
  return c;
}

template <class Act, ctnn::layout L, std::size_t... I>
void CompareSizes(Compare& c, std::index_sequence<I...>) {
  // Every size as the input extent (Out = 17) and as the output extent (In = 33).
  (CompareLayer<ctnn::dense_layer<kSizes[I], 17, Act, L>>(c, 100 + I), ...);
  if constexpr (Act::elementwise) {
    (CompareLayer<ctnn::dense_layer<33, kSizes[I], Act, L>>(c, 200 + I), ...);
  } else {  // softmax needs two units
    (CompareLayer<ctnn::dense_layer<33, std::max<std::size_t>(kSizes[I], 2), Act, L>>(c, 200 + I), ...);
  }
}

template <ctnn::layout L>
Compare DenseCompare() {
  Compare c;
  constexpr auto all = std::make_index_sequence<kSizes.size()>{};
  CompareSizes<ctnn::identity, L>(c, all);
  CompareSizes<ctnn::softmax, L>(c, all);
  // Every activation fused into the kernel, at two shapes.
  CompareLayer<ctnn::dense_layer<7, 33, ctnn::relu, L>>(c, 1);
  CompareLayer<ctnn::dense_layer<7, 33, ctnn::leaky_relu<1, 10>, L>>(c, 2);
  CompareLayer<ctnn::dense_layer<7, 33, ctnn::sigmoid, L>>(c, 3);
  CompareLayer<ctnn::dense_layer<7, 33, ctnn::tanh, L>>(c, 4);
  CompareLayer<ctnn::dense_layer<100, 131, ctnn::relu, L>>(c, 5);
  CompareLayer<ctnn::dense_layer<31, 15, ctnn::sigmoid, L>>(c, 6);
  CompareLayer<ctnn::dense_layer<31, 15, ctnn::tanh, L>>(c, 7);
  CompareLayer<ctnn::dense_layer<31, 15, ctnn::leaky_relu<1, 10>, L>>(c, 8);
  return c;
}
Compare DenseDotCompare() { return DenseCompare<ctnn::layout::dot>(); }
Compare DenseBroadcastCompare() { return DenseCompare<ctnn::layout::broadcast>(); }

// ----------------------------------------------------------------- training

/// Gemm against reference::gemm: every size as R and as K, widths that are
/// 1, 2, 3 and many vectors, A read directly and transposed, all three init
/// modes (zero, bias, accumulate). Allowed error: 2e-6·Σ|a·m| + 2e-6·|init|.
Compare GemmCompare() {
  Compare c;
  ctnn::rng g(21);
  std::vector<float> A, M, bias, C, ref;
  auto run = [&](std::size_t R, std::size_t K, std::size_t W, bool transposed, int mode) {
    const std::size_t ldm = W + 16, ldc = W + 32;  // wider than W: strides are honoured
    A.resize(R * K);
    for (auto& v : A) v = uniform(g, -1.0f, 1.0f);
    M.assign(K * ldm + 16, 0.0f);
    for (auto& v : M) v = uniform(g, -1.0f, 1.0f);
    bias.resize(W + 16);
    for (auto& v : bias) v = uniform(g, -1.0f, 1.0f);
    C.resize(R * ldc + 16);
    for (auto& v : C) v = uniform(g, -1.0f, 1.0f);
    ref = C;
    // Aligned views (vectors of float are 16-byte aligned at least; use an
    // aligned copy for M, C and bias as the contract requires).
    const std::size_t a_rs = transposed ? 1 : K, a_ks = transposed ? R : 1;
    auto m_al = hwy::AllocateAligned<float>(M.size());
    auto c_al = hwy::AllocateAligned<float>(C.size());
    auto b_al = hwy::AllocateAligned<float>(bias.size());
    std::copy(M.begin(), M.end(), m_al.get());
    std::copy(C.begin(), C.end(), c_al.get());
    std::copy(bias.begin(), bias.end(), b_al.get());
    const float* bp = mode == 1 ? b_al.get() : nullptr;
    k::Gemm(R, K, W, A.data(), a_rs, a_ks, m_al.get(), ldm, bp, c_al.get(), ldc, mode == 2);
    ctnn::reference::gemm(R, K, W, A.data(), a_rs, a_ks, M.data(), ldm, mode == 1 ? bias.data() : nullptr, ref.data(),
                          ldc, mode == 2);
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t col = 0; col < ldc; ++col) {
        const double got = c_al[r * ldc + col], want = ref[r * ldc + col];
        if (col >= W) {  // outside the W columns nothing may change
          c.add(std::abs(got - C[r * ldc + col]), 0.0);
          continue;
        }
        double mag = mode == 2 ? std::abs(C[r * ldc + col]) : (mode == 1 ? std::abs(bias[col]) : 0.0);
        for (std::size_t kk = 0; kk < K; ++kk) mag += std::abs(A[r * a_rs + kk * a_ks] * M[kk * ldm + col]);
        c.add(std::abs(got - want), 2e-6 * mag + 1e-30);
      }
    }
  };
  int mode = 0;
  for (std::size_t n : kSizes) {
    if (n > 200) continue;  // 784 below, with small partners
    run(n, 17, 32, false, mode++ % 3);
    run(7, n, 48, true, mode++ % 3);
  }
  for (std::size_t W : {16u, 32u, 48u, 64u, 112u, 784u}) run(5, 9, W, (W / 16) % 2 == 0, mode++ % 3);
  run(784, 3, 16, true, 0);
  run(3, 784, 16, false, 2);
  return c;
}

/// ActivationBackward<Act> against reference::activation_backward.
template <class Act>
void BackwardCompareOne(Compare& c, ctnn::rng& g) {
  for (std::size_t n : kSizes) {
    const std::size_t padded = ctnn::padded(n);
    auto a = hwy::AllocateAligned<float>(padded), da = hwy::AllocateAligned<float>(padded),
         dz = hwy::AllocateAligned<float>(padded);
    std::vector<float> ref(padded);
    for (std::size_t i = 0; i < padded; ++i) {
      // a = f(z), or z itself for activations whose backward takes z.
      const float z = uniform(g, -6.0f, 6.0f);
      a[i] = ctnn::detail::backward_from_input<Act> ? z : Act::apply(z);
      da[i] = uniform(g, -2.0f, 2.0f);
    }
    k::ActivationBackward<Act>(a.get(), da.get(), dz.get(), padded);
    ctnn::reference::activation_backward<Act>(a.get(), da.get(), ref.data(), padded);
    // f' from z goes through sigmoid/erfc in float (1 − s cancels as s → 1):
    // 4e-6 of |da|; else 2 ulp.
    const double tol = ctnn::detail::backward_from_input<Act> ? 4e-6 : 2 * 1.2e-7;
    for (std::size_t i = 0; i < padded; ++i) c.add(std::abs(dz[i] - ref[i]), tol * std::abs(da[i]) + 1e-30);
  }
}
Compare ActivationBackwardCompare() {
  Compare c;
  ctnn::rng g(23);
  BackwardCompareOne<ctnn::identity>(c, g);
  BackwardCompareOne<ctnn::relu>(c, g);
  BackwardCompareOne<ctnn::leaky_relu<1, 10>>(c, g);
  BackwardCompareOne<ctnn::sigmoid>(c, g);
  BackwardCompareOne<ctnn::tanh>(c, g);
  BackwardCompareOne<ctnn::elu<>>(c, g);
  BackwardCompareOne<ctnn::elu<1, 2>>(c, g);
  BackwardCompareOne<ctnn::silu>(c, g);
  BackwardCompareOne<ctnn::gelu>(c, g);
  BackwardCompareOne<ctnn::gelu_tanh>(c, g);
  return c;
}

/// ColumnSums against reference::column_sums (same summation order: exact).
Compare ColumnSumsCompare() {
  Compare c;
  ctnn::rng g(29);
  for (std::size_t R : kSizes) {
    for (std::size_t W : {16u, 48u, 784u}) {
      const std::size_t ld = W + 16;
      auto X = hwy::AllocateAligned<float>(R * ld), out = hwy::AllocateAligned<float>(W);
      std::vector<float> ref(W);
      for (std::size_t i = 0; i < R * ld; ++i) X[i] = uniform(g, -1.0f, 1.0f);
      k::ColumnSums(R, W, X.get(), ld, out.get());
      ctnn::reference::column_sums(R, W, X.get(), ld, ref.data());
      for (std::size_t i = 0; i < W; ++i) c.add(std::abs(out[i] - ref[i]), 0.0);
    }
  }
  return c;
}

/// SgdUpdate / AdamUpdate against the scalar optimizers, every option
/// combination, 3 steps, at every padded size. Allowed: 4 ulp of the larger
/// of the operands (|p|, lr·|g| are O(1) here: results that cancel to near 0
/// keep an absolute error of a few ulp of 0.25) — the vector code may fuse
/// multiply-adds that the scalar code rounds twice.
Compare OptimizerCompare() {
  Compare c;
  ctnn::rng g(31);
  constexpr std::size_t kMax = ctnn::padded(784);
  for (std::size_t n0 : kSizes) {
    const std::size_t n = ctnn::padded(n0);
    // Every option combination: variants 0-7 are sgd with the bits
    // 1 = momentum, 2 = nesterov, 4 = weight decay; 8 = adam, 9 = adam with
    // (coupled, L2) weight decay, 10 = adamw.
    for (int variant = 0; variant < 11; ++variant) {
      auto p = hwy::AllocateAligned<float>(n), grad = hwy::AllocateAligned<float>(n),
           m = hwy::AllocateAligned<float>(n), v = hwy::AllocateAligned<float>(n);
      auto sgd_state = std::make_unique<ctnn::sgd::state<kMax>>();
      auto adam_state = std::make_unique<ctnn::adam::state<kMax>>();
      std::vector<float> ref(n);
      for (std::size_t i = 0; i < n; ++i) {
        p[i] = ref[i] = uniform(g, -1.0f, 1.0f);
        m[i] = v[i] = 0.0f;
      }
      const ctnn::sgd s{.learning_rate = 0.1f, .momentum = (variant & 1) ? 0.9f : 0.0f, .nesterov = (variant & 2) != 0,
                        .weight_decay = (variant & 4) ? 0.01f : 0.0f};
      const ctnn::adam a{.learning_rate = 0.01f, .weight_decay = variant == 9 ? 0.1f : 0.0f};
      const ctnn::adamw aw{.learning_rate = 0.01f, .weight_decay = 0.1f};
      for (int step = 0; step < 3; ++step) {
        for (std::size_t i = 0; i < n; ++i) grad[i] = uniform(g, -1.0f, 1.0f);
        if (variant < 8) {
          k::SgdUpdate(p.get(), grad.get(), v.get(), n, s.learning_rate, s.momentum, s.nesterov, s.weight_decay, step == 0);
          s.update(ref.data(), grad.get(), n, *sgd_state, 0);
          ++sgd_state->steps;
        } else {
          const bool w = variant == 10;
          const auto sc = w ? ctnn::adam::adam_scalars(aw, adam_state->steps + 1)
                            : ctnn::adam::adam_scalars(a, adam_state->steps + 1);
          k::AdamUpdate(p.get(), grad.get(), m.get(), v.get(), n, 0.01f, 0.9f, 0.999f, 1e-8f, sc.step_size,
                        sc.bias_correction2_sqrt, w ? 0.0f : a.weight_decay, w ? aw.weight_decay : 0.0f);
          if (w) {
            aw.update(ref.data(), grad.get(), n, *adam_state, 0);
          } else {
            a.update(ref.data(), grad.get(), n, *adam_state, 0);
          }
          ++adam_state->steps;
        }
      }
      for (std::size_t i = 0; i < n; ++i) c.add(std::abs(p[i] - ref[i]), 4 * 1.2e-7 * std::max(std::abs(ref[i]), 0.25f));
    }
  }
  return c;
}

/// RmspropUpdate (ctnn/optimizers/rmsprop.hpp) against ctnn::rmsprop's
/// scalar update: every combination of weight decay, centered and momentum,
/// 3 steps, every padded size; allowed error as above.
Compare RmspropCompare() {
  Compare c;
  ctnn::rng g(37);
  constexpr std::size_t kMax = ctnn::padded(784);
  for (std::size_t n0 : kSizes) {
    const std::size_t n = ctnn::padded(n0);
    for (int variant = 0; variant < 8; ++variant) {
      const ctnn::rmsprop r{.learning_rate = 0.01f, .weight_decay = (variant & 4) ? 0.01f : 0.0f,
                            .momentum = (variant & 1) ? 0.9f : 0.0f, .centered = (variant & 2) != 0};
      auto p = hwy::AllocateAligned<float>(n), grad = hwy::AllocateAligned<float>(n),
           sq = hwy::AllocateAligned<float>(n), avg = hwy::AllocateAligned<float>(n),
           buf = hwy::AllocateAligned<float>(n);
      auto state = std::make_unique<ctnn::rmsprop::state<kMax>>();
      std::vector<float> ref(n);
      for (std::size_t i = 0; i < n; ++i) {
        p[i] = ref[i] = uniform(g, -1.0f, 1.0f);
        sq[i] = avg[i] = buf[i] = 0.0f;
      }
      for (int step = 0; step < 3; ++step) {
        for (std::size_t i = 0; i < n; ++i) grad[i] = uniform(g, -1.0f, 1.0f);
        k::RmspropUpdate(p.get(), grad.get(), sq.get(), avg.get(), buf.get(), n, r.learning_rate,
                         static_cast<float>(r.alpha), static_cast<float>(1.0 - r.alpha), r.epsilon, r.weight_decay,
                         r.momentum, r.centered);
        r.update(ref.data(), grad.get(), n, *state, 0);
        ++state->steps;
      }
      for (std::size_t i = 0; i < n; ++i) c.add(std::abs(p[i] - ref[i]), 4 * 1.2e-7 * std::max(std::abs(ref[i]), 0.25f));
    }
  }
  return c;
}

}  // namespace ctnn_test::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <catch2/catch.hpp>

#include "all_targets.hpp"

namespace ctnn_test {
HWY_EXPORT(CurrentTarget);
HWY_EXPORT(SigmoidMaxUlp);
HWY_EXPORT(TanhMaxUlp);
HWY_EXPORT(ReluMaxUlp);
HWY_EXPORT(LeakyMaxUlp);
HWY_EXPORT(IdentityMaxUlp);
HWY_EXPORT(SigmoidTailMaxAbs);
HWY_EXPORT(SigmoidBitsHash);
HWY_EXPORT(EluMaxUlp);
HWY_EXPORT(SiluMaxUlp);
HWY_EXPORT(GeluMaxRel);
HWY_EXPORT(GeluTanhMaxRel);
HWY_EXPORT(SoftmaxCompare);
HWY_EXPORT(DenseDotCompare);
HWY_EXPORT(DenseBroadcastCompare);
HWY_EXPORT(GemmCompare);
HWY_EXPORT(NanPropagation);
HWY_EXPORT(DenseBf16Compare);
HWY_EXPORT(ActivationBackwardCompare);
HWY_EXPORT(ColumnSumsCompare);
HWY_EXPORT(OptimizerCompare);
HWY_EXPORT(RmspropCompare);

/// Runs `body` once per supported target, with dispatch forced to it; names
/// the targets in the output and fails if the CPU supports one it did not run.
template <class F>
void ForEachTarget(F&& body) {
  for_each_target([] { return HWY_DYNAMIC_DISPATCH(CurrentTarget)(); }, body);
}

TEST_CASE("kernels: targets — every target the CPU supports is compiled, and more than one", "[kernels][targets]") {
  const std::int64_t compiled = [] {
    std::int64_t m = 0;
    for (auto t : hwy::SupportedAndGeneratedTargets()) m |= t;
    return m;
  }();
  WARN("targets: " << target_names(compiled) << " (CPU: " << target_names(cpu_targets())
                   << "; left out by this build: " << target_names(excluded_targets) << ")");
  INFO("supported by this CPU but not compiled: " << target_names(cpu_targets() & ~compiled));
  CHECK((cpu_targets() & ~compiled) == 0);
  CHECK(hwy::SupportedAndGeneratedTargets().size() >= 2);
}

TEST_CASE("kernels: sigmoid within 3 ulp of the oracle", "[kernels][activation]") {
  ForEachTarget([] {
    std::size_t n = 0;
    const auto ulp = HWY_DYNAMIC_DISPATCH(SigmoidMaxUlp)(&n);
    CHECK(n > 20000);
    CHECK(ulp <= 3);
    CHECK(HWY_DYNAMIC_DISPATCH(SigmoidTailMaxAbs)() <= 1e-37);
  });
}

// The sigmoid uses only correctly rounded operations and fused multiply-adds
// (activation-inl.hpp), so every target with an FMA — AVX2, AVX-512, NEON,
// SVE, and SCALAR/EMU128 through std::fma — gives the same bits, and SSE4 and
// SSSE3, whose multiply-add is a multiply and an add, give one other set.
// The hashes are those the x86 targets (g++ 12 and clang 16) and aarch64's
// NEON, SVE, SVE2 and SCALAR (under qemu) gave when this was written; a
// change of the sigmoid's algorithm changes them.
TEST_CASE("kernels: sigmoid gives the same bits on every target with FMA", "[kernels][activation][bits]") {
  static constexpr std::uint64_t kFused = 0x52e4a8297772fea7u, kUnfused = 0x0db3b4a27c7b7d26u;
  ForEachTarget([] {
    const std::int64_t t = HWY_DYNAMIC_DISPATCH(CurrentTarget)();
    const bool unfused = t == HWY_SSE4 || t == HWY_SSSE3;
    const std::uint64_t h = HWY_DYNAMIC_DISPATCH(SigmoidBitsHash)();
    INFO("hash 0x" << std::hex << h << (unfused ? " (no FMA)" : ""));
    CHECK(h == (unfused ? kUnfused : kFused));
  });
}

TEST_CASE("kernels: tanh within 4 ulp of the oracle", "[kernels][activation]") {
  ForEachTarget([] {
    std::size_t n = 0;
    CHECK(HWY_DYNAMIC_DISPATCH(TanhMaxUlp)(&n) <= 4);
    CHECK(n > 20000);
  });
}

TEST_CASE("kernels: elu and silu within 4 ulp, gelu and gelu_tanh within 5e-6 relative", "[kernels][activation]") {
  ForEachTarget([] {
    std::size_t n = 0;
    CHECK(HWY_DYNAMIC_DISPATCH(EluMaxUlp)(&n) <= 4);
    CHECK(HWY_DYNAMIC_DISPATCH(SiluMaxUlp)(&n) <= 4);
    CHECK(n > 40000);
    CHECK(HWY_DYNAMIC_DISPATCH(GeluMaxRel)() <= 5e-6);
    CHECK(HWY_DYNAMIC_DISPATCH(GeluTanhMaxRel)() <= 5e-6);
  });
}

TEST_CASE("kernels: every elementwise activation keeps NaN as NaN, in every lane", "[kernels][activation][nan]") {
  ForEachTarget([] { CHECK(HWY_DYNAMIC_DISPATCH(NanPropagation)() == 0); });
}

TEST_CASE("kernels: identity, relu and leaky_relu are exact", "[kernels][activation]") {
  ForEachTarget([] {
    std::size_t n = 0;
    CHECK(HWY_DYNAMIC_DISPATCH(IdentityMaxUlp)(&n) == 0);
    CHECK(HWY_DYNAMIC_DISPATCH(ReluMaxUlp)(&n) == 0);
    CHECK(HWY_DYNAMIC_DISPATCH(LeakyMaxUlp)(&n) == 0);
    CHECK(n > 60000);
  });
}

TEST_CASE("kernels: softmax is exact, overflow-safe and ignores padding", "[kernels][softmax]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(SoftmaxCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 1000);
    CHECK(c.worst <= 1.0);
  });
}

TEST_CASE("kernels: dense forward, dot layout, matches the reference", "[kernels][dense]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(DenseDotCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 1000);
    CHECK(c.worst <= 1.0);
  });
}

TEST_CASE("kernels: dense forward, broadcast layout, matches the reference", "[kernels][dense]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(DenseBroadcastCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 1000);
    CHECK(c.worst <= 1.0);
  });
}
TEST_CASE("kernels: dense forward with bf16 weights matches the reference (both layouts)", "[kernels][dense][bf16]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(DenseBf16Compare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 10000);
    CHECK(c.worst <= 1.0);
  });
}

TEST_CASE("kernels: batched GEMM matches the reference (strides and init modes)", "[kernels][gemm]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(GemmCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 10000);
    CHECK(c.worst <= 1.0);
  });
}

TEST_CASE("kernels: activation derivatives match the reference", "[kernels][backward]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(ActivationBackwardCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 1000);
    CHECK(c.worst <= 1.0);
  });
}

TEST_CASE("kernels: column sums are exact", "[kernels][backward]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(ColumnSumsCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 1000);
    CHECK(c.worst <= 1.0);
  });
}
TEST_CASE("kernels: optimizer updates match the scalar sgd/adam/adamw", "[kernels][optimizer]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(OptimizerCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 10000);
    CHECK(c.worst <= 1.0);
  });
}
TEST_CASE("kernels: the rmsprop update (ctnn/optimizers/rmsprop.hpp) matches its scalar update",
          "[kernels][optimizer]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(RmspropCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 5000);
    CHECK(c.worst <= 1.0);
  });
}
}  // namespace ctnn_test
#endif  // HWY_ONCE
