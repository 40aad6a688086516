// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/dense-inl.hpp — the dense layer's Highway kernels: the
// single-sample forward pass (and its batched form through the GEMM). Re-included once per target (per-target include guard).
//
// Contract: `x` is aligned to ctnn::alignment and readable for
// Layer::in_padded floats whose padding lanes are finite (the network keeps
// them zero); `y` is aligned and writable for Layer::out_padded floats. On
// return y[0, Out) holds act(W·x + b) and y[Out, out_padded) is finite (0 or
// act(0)), so `y` can feed the next layer directly.
// Accuracy: float accumulation in a different order from the double oracle;
// tests/kernels/kernels.test.cpp bounds the difference on every target by
// 2e-6·(Σ|w·x| + |b|) + 4 ulp of the result.

#if defined(CTNN_LAYERS_DENSE_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_DENSE_INL_HPP_
#undef CTNN_LAYERS_DENSE_INL_HPP_
#else
#define CTNN_LAYERS_DENSE_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ctnn/kernels/activation-inl.hpp"
#include "ctnn/kernels/batch-inl.hpp"
#include "ctnn/kernels/gemm-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/dense.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// One vector of weights as float: fp32 storage loads directly, bf16
/// storage (ctnn::bf16_network) loads half as many bytes and widens.
template <class D>
HWY_INLINE hn::Vec<D> LoadWeights(D d, const float* HWY_RESTRICT p) {
  return hn::Load(d, p);
}
template <class D>
HWY_INLINE hn::Vec<D> LoadWeights(D d, const std::uint16_t* HWY_RESTRICT p) {
  const hn::Rebind<hwy::bfloat16_t, D> dh;
  return hn::PromoteTo(d, hn::Load(dh, reinterpret_cast<const hwy::bfloat16_t*>(p)));
}

/// Σ_s acc[s][k] for s in [Lo, Lo + Count) as a tree — (a0 + a1) + (a2 + a3),
/// split at the largest power of two below Count — unrolled by the template
/// recursion: a loop over the tree levels is not unrolled by g++, which then
/// keeps the partial sums on the stack (S1: 70 → 40 ns).
template <std::size_t Lo, std::size_t Count, class V, std::size_t S, std::size_t NV>
HWY_INLINE V PairwiseSum(const V (&acc)[S][NV], std::size_t k) {
  if constexpr (Count == 1) {
    return acc[Lo][k];
  } else {
    constexpr std::size_t half = std::bit_floor(Count - 1);
    return hn::Add(PairwiseSum<Lo, half>(acc, k), PairwiseSum<Lo + half, Count - half>(acc, k));
  }
}

/// Independent FMA chains a broadcast block of `NV` output vectors aims
/// for: 8 hide the FMA latency (a full 64-wide AVX2 block has 8 output
/// vectors). With 32 registers (AVX-512) and g++, blocks of 4 or more
/// vectors aim for 16: S3's 32→32 layers on 256-bit vectors then run 4
/// chains of 8 FMAs per vector instead of 2 of 16. Measured on an Intel
/// AVX-512 core, g++ 12: S3 128 → 119 ns, S2 111 → 110 ns; S1's 2-vector
/// 16→16 layer was slower with 16 (47 vs 45 ns), so it keeps 8; clang 16's
/// S3 was slower with 16 (125 → 145 ns), so clang keeps 8 everywhere.
/// AVX2 has 16 registers, which 16 accumulators would fill.
template <std::size_t NV>
inline constexpr std::size_t kBroadcastChains =
#if (HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL) && !defined(__clang__)
    NV >= 4 ? 16 : 8;
#else
    8;
#endif

/// One column block of the broadcast layout: `NV` output vectors accumulate
/// Σ_i x[i]·W[i][block] with x[i] broadcast. Blocks of fewer than
/// kBroadcastChains vectors split the sum over i into S interleaved partial
/// sums (i mod S), added at the end — 16→16 runs 4 chains of 4 FMAs each
/// instead of 2 chains of 16. With kActivationPassApart the activation
/// runs over the stored sums afterwards.
template <std::size_t In, std::size_t NV, class Act, class D, class WT>
HWY_INLINE void BroadcastBlock(D d, const WT* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                               const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  using V = hn::Vec<D>;
  constexpr std::size_t N = hn::MaxLanes(D());
  constexpr std::size_t want = kBroadcastChains<NV> / NV > 1 ? kBroadcastChains<NV> / NV : 1;
  constexpr std::size_t S = want < In ? want : In;  // partial sums per output vector
  constexpr bool apart = kActivationPassApart && Act::elementwise;
  if constexpr (kActivationPassApart) x = detail::opaque(x);  // broadcast from memory
  V acc[S][NV];
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) {
    acc[0][k] = hn::Load(d, b + k * N);
    CTNN_UNROLL_ALL
    for (std::size_t s = 1; s < S; ++s) acc[s][k] = hn::Zero(d);
  }
  std::size_t i = 0;
  for (; i + S <= In; i += S) {
    CTNN_UNROLL_ALL
    for (std::size_t s = 0; s < S; ++s) {
      const V xi = hn::Set(d, x[i + s]);
      const WT* HWY_RESTRICT row = w + (i + s) * (NV * N);
      CTNN_UNROLL_ALL
      for (std::size_t k = 0; k < NV; ++k) acc[s][k] = Fma(xi, LoadWeights(d, row + k * N), acc[s][k]);
    }
  }
  CTNN_UNROLL_ALL
  for (std::size_t s = 0; s < S; ++s) {  // In % S leftover rows
    if (i + s < In) {
      const V xi = hn::Set(d, x[i + s]);
      const WT* HWY_RESTRICT row = w + (i + s) * (NV * N);
      CTNN_UNROLL_ALL
      for (std::size_t k = 0; k < NV; ++k) acc[s][k] = Fma(xi, LoadWeights(d, row + k * N), acc[s][k]);
    }
  }
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) {
    const V sum = PairwiseSum<0, S>(acc, k);
    if constexpr (Act::elementwise && !apart) {
      hn::Store(Activate(d, sum, Act{}), d, y + k * N);
    } else {
      hn::Store(sum, d, y + k * N);
    }
  }
  if constexpr (apart) {
    detail::compiler_barrier();
    CTNN_UNROLL_ALL
    for (std::size_t k = 0; k < NV; ++k) hn::Store(Activate(d, hn::Load(d, y + k * N), Act{}), d, y + k * N);
  }
}

#if HWY_HAVE_SCALABLE
/// Scalable targets (SVE): the broadcast layout one output vector at a time,
/// the vector width known at run time (tag-inl.hpp). Column block `blk`
/// holds rows of `width` floats: W[i][c] at w + blk·BW·In + i·width + c.
template <class Layer, class Act = typename Layer::activation>
HWY_INLINE void DenseBroadcast(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  constexpr std::size_t In = Layer::in_extent;
  constexpr std::size_t BW = Layer::block_width;
  constexpr std::size_t full_blocks = Layer::out_padded / BW;
  constexpr std::size_t tail = Layer::out_padded % BW;
  const auto* HWY_RESTRICT w = layer.weight_data();
  const float* HWY_RESTRICT b = layer.bias_data();
  for (std::size_t c = 0; c < Layer::out_padded; c += N) {
    const std::size_t blk = c / BW, width = blk < full_blocks ? BW : tail;
    const auto* HWY_RESTRICT col = w + blk * BW * In + (c - blk * BW);
    auto acc = hn::Load(d, b + c);
    for (std::size_t i = 0; i < In; ++i) acc = Fma(hn::Set(d, x[i]), LoadWeights(d, col + i * width), acc);
    if constexpr (Act::elementwise) {
      hn::Store(Activate(d, acc, Act{}), d, y + c);
    } else {
      hn::Store(acc, d, y + c);
    }
  }
}

/// Scalable targets (SVE): the dot layout one row at a time.
template <class Layer, class Act = typename Layer::activation>
HWY_INLINE void DenseDot(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  constexpr std::size_t Out = Layer::out_extent;
  constexpr std::size_t K = Layer::in_padded;
  for (std::size_t o = 0; o < Out; ++o) {
    const auto* HWY_RESTRICT w = layer.weight_data() + o * K;
    auto acc = hn::Zero(d);
    for (std::size_t i = 0; i < K; i += N) acc = Fma(LoadWeights(d, w + i), hn::Load(d, x + i), acc);
    y[o] = hn::GetLane(hn::SumOfLanes(d, acc)) + layer.bias(o);
  }
  for (std::size_t p = Out; p < Layer::out_padded; ++p) y[p] = 0.0f;
  if constexpr (Act::elementwise) ActivateInPlace<Act>(y, Layer::out_padded);
}
#else
/// The vectors a small, latency-bound layer runs on. On the AVX-512
/// targets, layers of at most 32 outputs (broadcast) or inputs (dot) use
/// 256-bit vectors: their sums are short, and on Zen 4, which splits each
/// 512-bit operation in two, the 256-bit broadcasts, reductions and
/// activations have the shorter latency (g++ 12 on Zen 4: S1 54 → 46 ns,
/// S3 121 → 111 ns; clang 16: 52 → 46, 128 → 113).
/// The layouts do not change (pad_floats is a multiple of either width).
template <std::size_t Extent>
using SmallLayerTag =
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    std::conditional_t<(Extent <= 32), hn::CappedTag<float, 8>, FloatTag>;
#else
    FloatTag;
#endif

template <class Layer, class Act = typename Layer::activation>
HWY_INLINE void DenseBroadcast(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  const SmallLayerTag<Layer::out_padded> d;
  constexpr std::size_t N = hn::MaxLanes(decltype(d)());
  constexpr std::size_t In = Layer::in_extent;
  constexpr std::size_t BW = Layer::block_width;
  constexpr std::size_t full_blocks = Layer::out_padded / BW;
  constexpr std::size_t tail = Layer::out_padded % BW;
  const auto* HWY_RESTRICT w = layer.weight_data();
  const float* HWY_RESTRICT b = layer.bias_data();
  for (std::size_t blk = 0; blk < full_blocks; ++blk) {
    BroadcastBlock<In, BW / N, Act>(d, w + blk * BW * In, b + blk * BW, x, y + blk * BW);
  }
  if constexpr (tail != 0) {
    constexpr std::size_t ob = full_blocks * BW;
    BroadcastBlock<In, tail / N, Act>(d, w + ob * In, b + ob, x, y + ob);
  }
}

/// Dot layout: rows of W[out][in_padded]; R rows at a time with two partial
/// sums each (2R independent FMA chains), then a horizontal reduction.
template <std::size_t R, class Layer, class D>
HWY_INLINE void DotRows(D d, const Layer& layer, std::size_t o, const float* HWY_RESTRICT x,
                        float* HWY_RESTRICT y) {
  using V = hn::Vec<D>;
  constexpr std::size_t N = hn::MaxLanes(D());
  constexpr std::size_t K = Layer::in_padded;
  const auto* HWY_RESTRICT w = layer.weight_data() + o * K;
  V acc0[R], acc1[R];
  CTNN_UNROLL_ALL
  for (std::size_t r = 0; r < R; ++r) {
    acc0[r] = hn::Zero(d);
    acc1[r] = hn::Zero(d);
  }
  std::size_t i = 0;
  for (; i + 2 * N <= K; i += 2 * N) {
    const V x0 = hn::Load(d, x + i);
    const V x1 = hn::Load(d, x + i + N);
    CTNN_UNROLL_ALL
    for (std::size_t r = 0; r < R; ++r) {
      acc0[r] = Fma(LoadWeights(d, w + r * K + i), x0, acc0[r]);
      acc1[r] = Fma(LoadWeights(d, w + r * K + i + N), x1, acc1[r]);
    }
  }
  if (i < K) {  // K is a multiple of 16, so at most one vector remains
    const V x0 = hn::Load(d, x + i);
    CTNN_UNROLL_ALL
    for (std::size_t r = 0; r < R; ++r) acc0[r] = Fma(LoadWeights(d, w + r * K + i), x0, acc0[r]);
  }
  CTNN_UNROLL_ALL
  for (std::size_t r = 0; r < R; ++r) {
    y[o + r] = hn::GetLane(hn::SumOfLanes(d, hn::Add(acc0[r], acc1[r]))) + layer.bias(o + r);
  }
}

/// A single output (S1's and S3's last layer): the sum, the bias and the
/// activation stay in a register and the padding is stored as zeros — no
/// scalar store re-read as a vector (a store-forwarding stall on the
/// latency path).
template <class Layer, class Act, class D>
HWY_INLINE void DotSingle(D d, const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  using V = hn::Vec<D>;
  constexpr std::size_t N = hn::MaxLanes(D());
  constexpr std::size_t K = Layer::in_padded;
  const auto* HWY_RESTRICT w = layer.weight_data();
  V acc0 = hn::Zero(d), acc1 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 2 * N <= K; i += 2 * N) {
    acc0 = Fma(LoadWeights(d, w + i), hn::Load(d, x + i), acc0);
    acc1 = Fma(LoadWeights(d, w + i + N), hn::Load(d, x + i + N), acc1);
  }
  if (i < K) acc0 = Fma(LoadWeights(d, w + i), hn::Load(d, x + i), acc0);
  V v = hn::Add(hn::SumOfLanes(d, hn::Add(acc0, acc1)), hn::Set(d, layer.bias(0)));
  if constexpr (Act::elementwise) v = Activate(d, v, Act{});
  hn::Store(hn::IfThenElseZero(hn::FirstN(d, 1), v), d, y);
  CTNN_UNROLL_ALL
  for (std::size_t p = N; p < Layer::out_padded; p += N) hn::Store(hn::Zero(d), d, y + p);
}

template <class Layer, class Act = typename Layer::activation>
HWY_INLINE void DenseDot(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  const SmallLayerTag<Layer::in_padded> d;
  constexpr std::size_t Out = Layer::out_extent;
  if constexpr (Out == 1) {
    return DotSingle<Layer, Act>(d, layer, x, y);
  }
  constexpr std::size_t R = 4;
  std::size_t o = 0;
  for (; o + R <= Out; o += R) DotRows<R>(d, layer, o, x, y);
  if constexpr (Out % R >= 2) {
    DotRows<2>(d, layer, o, x, y);
    o += 2;
  }
  if constexpr (Out % 2 == 1) DotRows<1>(d, layer, o, x, y);
  for (std::size_t p = Out; p < Layer::out_padded; ++p) y[p] = 0.0f;
  if constexpr (Act::elementwise) ActivateInPlace<Act>(y, Layer::out_padded);
}
#endif  // HWY_HAVE_SCALABLE

/// A dense layer's forward (also a bf16_layer's dot layout, whose rows are
/// the fp32 layout's), with its activation or — Logits — without.
template <class Layer, bool Logits = false>
HWY_INLINE void DenseForward(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  using Act = std::conditional_t<Logits, identity, typename Layer::activation>;
  constexpr std::size_t Out = Layer::out_extent;
  if constexpr (Layer::weight_layout == layout::dot) {
    DenseDot<Layer, Act>(layer, x, y);
  } else {
    DenseBroadcast<Layer, Act>(layer, x, y);
  }
  if constexpr (!Act::elementwise) WholeLayerInPlace<Act, Out, padded(Out)>(y);
}

/// Z[r][0, Out_padded) = act(X[r]·W + b) for r < rows (see LayerForwardBatch).
template <class Layer>
HWY_INLINE void DenseForwardBatch(const Layer& layer, std::size_t rows, const float* HWY_RESTRICT X, std::size_t ldx,
                                  float* HWY_RESTRICT Z) {
  constexpr std::size_t In = Layer::in_extent, Outp = Layer::out_padded;
  using Act = typename Layer::activation;
  if (rows == 1) {
    // One sample: the single-sample kernel keeps 8 FMA chains busy, the
    // GEMM's 1-row tile only 2.
    DenseForward(layer, X, Z);
  } else if constexpr (Layer::weight_layout == layout::broadcast) {
    for (std::size_t ob = 0; ob < Outp; ob += Layer::block_width) {
      const std::size_t wb = Outp - ob < Layer::block_width ? Outp - ob : Layer::block_width;
      Gemm(rows, In, wb, X, ldx, 1, layer.weight_data() + ob * In, wb, layer.bias_data() + ob, Z + ob, Outp, false);
    }
    // Padding columns hold act(0): finite, and never read as weights' inputs
    // (the GEMM reads In columns; dot layers multiply them by zero weights).
    if constexpr (Act::elementwise) {
      ActivateInPlace<Act>(Z, rows * Outp);
    } else {
      for (std::size_t r = 0; r < rows; ++r) WholeLayerInPlace<Act, Layer::out_extent, Outp>(Z + r * Outp);
    }
  } else {
    // Narrow dot-layout layers: their weights are small, row by row.
    for (std::size_t r = 0; r < rows; ++r) DenseForward(layer, X + r * ldx, Z + r * Outp);
  }
}

/// Forward pass of one dense layer (see the contract at the top of the file).
template <std::size_t In, std::size_t Out, class Act, layout L>
HWY_INLINE void LayerForward(SimdTag, const dense_layer<In, Out, Act, L>& layer, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  DenseForward(layer, x, y);
}
template <std::size_t In, std::size_t Out, class Act, layout L>
HWY_INLINE void LayerForwardBatch(SimdTag, const dense_layer<In, Out, Act, L>& layer, std::size_t rows,
                                  const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  DenseForwardBatch(layer, rows, X, ldx, Z);
}
/// y = act(z), z = W·x + b (ctnn::evaluate's losses read z).
template <std::size_t In, std::size_t Out, class Act, layout L>
HWY_INLINE void LayerForwardLogits(SimdTag, const dense_layer<In, Out, Act, L>& layer, const float* HWY_RESTRICT x,
                                   float* HWY_RESTRICT y, float* HWY_RESTRICT z) {
  DenseForward<dense_layer<In, Out, Act, L>, true>(layer, x, z);
  for (std::size_t i = 0; i < padded(Out); ++i) y[i] = z[i];
  if constexpr (Act::elementwise) {
    ActivateInPlace<Act>(y, padded(Out));
  } else {
    WholeLayerInPlace<Act, Out, padded(Out)>(y);
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
