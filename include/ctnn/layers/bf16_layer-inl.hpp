// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/bf16_layer-inl.hpp — bf16_layer's Highway kernels: inputs
// rounded to bf16, then vdpbf16ps (AVX512_BF16) or the portable path that
// widens the bf16 weights to fp32 (broadcast layout: pair-interleaved rows;
// dot layout: the dense dot kernel). Re-included once per target.

#if defined(CTNN_LAYERS_BF16_LAYER_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_BF16_LAYER_INL_HPP_
#undef CTNN_LAYERS_BF16_LAYER_INL_HPP_
#else
#define CTNN_LAYERS_BF16_LAYER_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ctnn/layers/bf16_layer.hpp"
#include "ctnn/layers/dense-inl.hpp"

// vdpbf16ps where this target has it: the TU's static target compiled with
// AVX512_BF16 enabled (-march=native on Zen 4, Sapphire Rapids, Cooper
// Lake). Elsewhere — other targets, ctnn::dynamic's per-target code — the
// portable path widens the same bf16 values; both give the same products.
#if HWY_TARGET == HWY_STATIC_TARGET && (HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL) && \
    defined(__AVX512BF16__) && defined(__AVX512VL__)
#define CTNN_BF16_DP 1
#include <immintrin.h>
#else
#define CTNN_BF16_DP 0
#endif

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// xr[i] = x[i] rounded to bf16 (nearest even; NaN stays NaN), as float,
/// for i < In, and 0 up to Padded. x needs no alignment and is read for In
/// floats only (a network's first layer gets the caller's array); xr is
/// aligned and holds Padded floats.
template <std::size_t In, std::size_t Padded>
HWY_INLINE void RoundToBf16(const float* HWY_RESTRICT x, float* HWY_RESTRICT xr) {
  const FloatTag d;
  const hn::RebindToUnsigned<decltype(d)> du;
  const std::size_t N = hn::Lanes(d);
  const auto high = hn::Set(du, 0xFFFF0000u);
  const std::size_t full = In / N * N;
  for (std::size_t i = 0; i < full; i += N) {
    const auto v = hn::LoadU(d, x + i);
    const auto u = hn::BitCast(du, v);
    const auto odd = hn::And(hn::ShiftRight<16>(u), hn::Set(du, 1u));
    const auto rounded = hn::And(hn::Add(u, hn::Add(hn::Set(du, 0x7FFFu), odd)), high);
    const auto quiet = hn::And(hn::Or(u, hn::Set(du, 0x00400000u)), high);
    hn::Store(hn::BitCast(d, hn::IfThenElse(hn::RebindMask(du, hn::IsNaN(v)), quiet, rounded)), d, xr + i);
  }
  for (std::size_t i = full; i < Padded; ++i) xr[i] = i < In ? detail::from_bf16(detail::to_bf16(x[i])) : 0.0f;
}

/// One column block of the pair-interleaved layout (bf16_layer.hpp): NV
/// output vectors; each 32-bit lane of a row holds the weights of one output
/// for inputs 2p (low half) and 2p + 1 (high half). Even and odd inputs
/// accumulate separately: 2·NV independent FMA chains.
template <std::size_t Pairs, std::size_t NV, class Act, class D>
HWY_INLINE void PairBlockBf16(D d, const std::uint16_t* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                              const float* HWY_RESTRICT xr, float* HWY_RESTRICT y) {
  using V = hn::Vec<D>;
  const hn::RebindToUnsigned<D> du;
  constexpr std::size_t N = hn::MaxLanes(D());
  const auto high = hn::Set(du, 0xFFFF0000u);
  V even[NV], odd[NV];
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) {
    even[k] = hn::Load(d, b + k * N);
    odd[k] = hn::Zero(d);
  }
  const auto* HWY_RESTRICT rows = reinterpret_cast<const std::uint32_t*>(w);
  HWY_UNROLL(2)
  for (std::size_t p = 0; p < Pairs; ++p) {
    const V x0 = hn::Set(d, xr[2 * p]);
    const V x1 = hn::Set(d, xr[2 * p + 1]);
    CTNN_UNROLL_ALL
    for (std::size_t k = 0; k < NV; ++k) {
      const auto u = hn::Load(du, rows + p * NV * N + k * N);
      even[k] = Fma(x0, hn::BitCast(d, hn::ShiftLeft<16>(u)), even[k]);
      odd[k] = Fma(x1, hn::BitCast(d, hn::And(u, high)), odd[k]);
    }
  }
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) {
    const V sum = hn::Add(even[k], odd[k]);
    if constexpr (Act::elementwise) {
      hn::Store(Activate(d, sum, Act{}), d, y + k * N);
    } else {
      hn::Store(sum, d, y + k * N);
    }
  }
}

#if CTNN_BF16_DP
/// acc += Σ over each 32-bit lane's two bf16 products of w and x. Inline
/// assembly rather than _mm512_dpbf16_ps: clang 16's optimizer crashes on
/// the intrinsic's __m512bh operands in these loops (g++ 12 compiles both).
HWY_INLINE __m512 DotBf16(__m512 acc, __m512i w, __m512i x) {
  asm("vdpbf16ps %[w], %[x], %[acc]" : [acc] "+v"(acc) : [x] "v"(x), [w] "v"(w));
  return acc;
}

/// The same block with vdpbf16ps: one instruction multiplies a row's 32
/// bf16 weights by the broadcast input pair and adds both products to the
/// 16 fp32 sums (AVX3 targets only: 16 float lanes). Two sets of
/// accumulators (pair parity) hide its latency.
template <std::size_t Pairs, std::size_t NV, class Act, class D>
HWY_INLINE void PairBlockDp(D d, const std::uint16_t* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                            const std::uint32_t* HWY_RESTRICT xpairs, float* HWY_RESTRICT y) {
  __m512 acc0[NV], acc1[NV];
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) {
    acc0[k] = _mm512_load_ps(b + k * 16);
    acc1[k] = _mm512_setzero_ps();
  }
  const auto* HWY_RESTRICT rows = reinterpret_cast<const std::uint32_t*>(w);
  std::size_t p = 0;
  for (; p + 2 <= Pairs; p += 2) {
    const __m512i x0 = _mm512_set1_epi32(static_cast<int>(xpairs[p]));
    const __m512i x1 = _mm512_set1_epi32(static_cast<int>(xpairs[p + 1]));
    CTNN_UNROLL_ALL
    for (std::size_t k = 0; k < NV; ++k) {
      acc0[k] = DotBf16(acc0[k], _mm512_load_si512(rows + p * NV * 16 + k * 16), x0);
      acc1[k] = DotBf16(acc1[k], _mm512_load_si512(rows + (p + 1) * NV * 16 + k * 16), x1);
    }
  }
  if (p < Pairs) {
    const __m512i x0 = _mm512_set1_epi32(static_cast<int>(xpairs[p]));
    CTNN_UNROLL_ALL
    for (std::size_t k = 0; k < NV; ++k) acc0[k] = DotBf16(acc0[k], _mm512_load_si512(rows + p * NV * 16 + k * 16), x0);
  }
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) {
    const auto sum = hn::Vec<D>{_mm512_add_ps(acc0[k], acc1[k])};
    if constexpr (Act::elementwise) {
      hn::Store(Activate(d, sum, Act{}), d, y + k * 16);
    } else {
      hn::Store(sum, d, y + k * 16);
    }
  }
}
#endif

/// The bf16 layer's forward (see bf16_layer.hpp), with its activation or —
/// Logits — without.
template <class Layer, bool Logits = false>
HWY_INLINE void Bf16Forward(const bf16_layer<Layer>& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  using L = bf16_layer<Layer>;
  using Act = std::conditional_t<Logits, identity, typename L::activation>;
  constexpr std::size_t Inp = L::in_padded, Out = L::out_extent;
  alignas(alignment) float xr[Inp];
  RoundToBf16<L::in_extent, Inp>(x, xr);
  if constexpr (L::weight_layout == layout::dot) {
    DenseDot<L, Act>(layer, xr, y);
  } else {
#if HWY_HAVE_SCALABLE
    // SVE: the portable path one output vector at a time (run-time width).
    const FloatTag d;
    const hn::RebindToUnsigned<decltype(d)> du;
    const std::size_t N = hn::Lanes(d);
    constexpr std::size_t BW = L::block_width, P = L::in_pairs;
    const auto high = hn::Set(du, 0xFFFF0000u);
    for (std::size_t c = 0; c < L::out_padded; c += N) {
      const std::size_t ob = c / BW * BW, wb = L::out_padded - ob < BW ? L::out_padded - ob : BW;
      const auto* HWY_RESTRICT rows = reinterpret_cast<const std::uint32_t*>(layer.weight_data() + 2 * P * ob);
      auto even = hn::Load(d, layer.bias_data() + c), odd = hn::Zero(d);
      for (std::size_t p = 0; p < P; ++p) {
        const auto u = hn::LoadU(du, rows + p * wb + (c - ob));
        even = Fma(hn::Set(d, xr[2 * p]), hn::BitCast(d, hn::ShiftLeft<16>(u)), even);
        odd = Fma(hn::Set(d, xr[2 * p + 1]), hn::BitCast(d, hn::And(u, high)), odd);
      }
      const auto sum = hn::Add(even, odd);
      if constexpr (Act::elementwise) {
        hn::Store(Activate(d, sum, Act{}), d, y + c);
      } else {
        hn::Store(sum, d, y + c);
      }
    }
#else
    const FloatTag d;
    constexpr std::size_t N = hn::MaxLanes(decltype(d)());
    constexpr std::size_t BW = L::block_width, P = L::in_pairs;
    constexpr std::size_t full_blocks = L::out_padded / BW, tail = L::out_padded % BW;
    const std::uint16_t* w = layer.weight_data();
    const float* b = layer.bias_data();
#if CTNN_BF16_DP
    // The inputs as bf16 pairs, 2p in the low half: vdpbf16ps's operand.
    alignas(alignment) std::uint32_t xpairs[P];
    for (std::size_t p = 0; p < P; ++p) {
      // 2p + 1 < Inp: an odd In leaves a (zero-weighted) padding input.
      xpairs[p] = (std::bit_cast<std::uint32_t>(xr[2 * p]) >> 16) |
                  (std::bit_cast<std::uint32_t>(xr[2 * p + 1]) & 0xFFFF0000u);
    }
    for (std::size_t blk = 0; blk < full_blocks; ++blk)
      PairBlockDp<P, BW / N, Act>(d, w + 2 * P * blk * BW, b + blk * BW, xpairs, y + blk * BW);
    if constexpr (tail != 0) {
      constexpr std::size_t ob = full_blocks * BW;
      PairBlockDp<P, tail / N, Act>(d, w + 2 * P * ob, b + ob, xpairs, y + ob);
    }
#else
    for (std::size_t blk = 0; blk < full_blocks; ++blk)
      PairBlockBf16<P, BW / N, Act>(d, w + 2 * P * blk * BW, b + blk * BW, xr, y + blk * BW);
    if constexpr (tail != 0) {
      constexpr std::size_t ob = full_blocks * BW;
      PairBlockBf16<P, tail / N, Act>(d, w + 2 * P * ob, b + ob, xr, y + ob);
    }
#endif
#endif
  }
  if constexpr (!Act::elementwise) WholeLayerInPlace<Act, Out, padded(Out)>(y);
}

template <class Layer>
HWY_INLINE void LayerForward(SimdTag, const bf16_layer<Layer>& layer, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  Bf16Forward(layer, x, y);
}
template <class Layer>
HWY_INLINE void LayerForwardBatch(SimdTag, const bf16_layer<Layer>& layer, std::size_t rows,
                                  const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  // bf16 layers are for bandwidth-bound single-sample inference: the
  // single-sample kernel per row.
  for (std::size_t r = 0; r < rows; ++r) Bf16Forward(layer, X + r * ldx, Z + r * Layer::out_padded);
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#undef CTNN_BF16_DP

#endif  // per-target include guard
