// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/conv1d-inl.hpp — the Highway kernel of the causal convolution
// (conv1d.hpp): one time step broadcasts each input of each tap and
// multiplies a row of output channels. Per lane, two sums: the even taps
// from the bias, the odd taps from zero, each in tap then input order (half
// the dependency chain of one sum); y = act(even + odd). The sequence
// kernel (ConvRows) does the same per row, several rows at once, so it gets
// the same bits.
// Re-included once per target (per-target include guard).

#if defined(CTNN_LAYERS_CONV1D_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_CONV1D_INL_HPP_
#undef CTNN_LAYERS_CONV1D_INL_HPP_
#else
#define CTNN_LAYERS_CONV1D_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>

#include "ctnn/kernels/activation-inl.hpp"
#include "ctnn/kernels/gemm-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/conv1d.hpp"
#include "ctnn/layers/recurrent-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// act(sum) for output channels [c, c + N); lanes at or past Cout are 0
/// (the padding contract — act(0) is not 0 for a sigmoid, and a vector may
/// reach past Cout: 16 lanes for 8 channels on 512-bit SVE).
template <class Act, std::size_t Cout, class D, class V>
HWY_INLINE V ActivateChannels(D d, V sum, std::size_t c) {
  const V a = Activate(d, sum, Act{});
  if (c + hn::Lanes(d) <= Cout) return a;
  return hn::IfThenElseZero(hn::FirstN(d, Cout - c), a);
}

/// One time step of a causal convolution (see the contract in network-inl.hpp).
template <std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, class Act>
HWY_INLINE void LayerForward(SimdTag, const conv1d_layer<Cin, Cout, K, D, Act>& layer,
                             typename conv1d_layer<Cin, Cout, K, D, Act>::state& s, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  using L = conv1d_layer<Cin, Cout, K, D, Act>;
  constexpr std::size_t Op = L::out_padded;
  const RecurrentTag<Op> d;
  const std::size_t N = hn::Lanes(d);
  const float* HWY_RESTRICT w = layer.weight_data();
  const float* HWY_RESTRICT b = layer.bias_data();
  std::size_t c = 0;
  for (; c < Cout; c += N) {
    auto even = hn::Load(d, b + c), odd = hn::Zero(d);
    for (std::size_t k = 0; k < K; ++k) {
      const float* HWY_RESTRICT in = L::tap_input(s, x, k);
      const float* HWY_RESTRICT rows = w + k * Cin * Op + c;
      if (k % 2 == 0) {
        for (std::size_t i = 0; i < Cin; ++i) even = Fma(hn::Set(d, in[i]), hn::Load(d, rows + i * Op), even);
      } else {
        for (std::size_t i = 0; i < Cin; ++i) odd = Fma(hn::Set(d, in[i]), hn::Load(d, rows + i * Op), odd);
      }
    }
    hn::Store(ActivateChannels<Act, Cout>(d, hn::Add(even, odd), c), d, y + c);
  }
  for (; c + N <= Op; c += N) hn::Store(hn::Zero(d), d, y + c);  // padding
  L::remember(s, x);
}

/// Output rows [0, RT) of a sequence chunk, channels [c, c + N): row r's
/// tap k reads ext row r + k·D. Per row LayerForward's two sums — even taps
/// from the bias, odd taps from zero, each in tap then input order — and
/// act(even + odd): its operations lane for lane, so its bits. RT rows share
/// each weight vector (2·RT independent FMA chains).
#if HWY_HAVE_SCALABLE
// No arrays of sizeless vectors: one row at a time (kConvRows = 1, RT unused).
template <std::size_t RT, class L, class D>
HWY_INLINE void ConvRows(D d, const L& layer, const float* HWY_RESTRICT ext, std::size_t c, float* HWY_RESTRICT y) {
  constexpr std::size_t Cin = L::in_extent, K = L::kernel, Dil = L::dilation, Op = L::out_padded;
  const float* HWY_RESTRICT w = layer.weight_data() + c;
  auto even = hn::Load(d, layer.bias_data() + c), odd = hn::Zero(d);
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t i = 0; i < Cin; ++i) {
      const auto a = hn::Set(d, ext[k * Dil * Cin + i]), wk = hn::Load(d, w + (k * Cin + i) * Op);
      if (k % 2 == 0) even = Fma(a, wk, even);
      else odd = Fma(a, wk, odd);
    }
  }
  hn::Store(ActivateChannels<typename L::activation, L::out_extent>(d, hn::Add(even, odd), c), d, y + c);
}
inline constexpr std::size_t kConvRows = 1;
#else
template <std::size_t RT, class L, class D>
HWY_INLINE void ConvRows(D d, const L& layer, const float* HWY_RESTRICT ext, std::size_t c, float* HWY_RESTRICT y) {
  constexpr std::size_t Cin = L::in_extent, K = L::kernel, Dil = L::dilation, Op = L::out_padded;
  using V = hn::Vec<D>;
  const float* HWY_RESTRICT w = layer.weight_data() + c;
  V even[RT], odd[RT];
  const V b = hn::Load(d, layer.bias_data() + c);
  CTNN_UNROLL_ALL
  for (std::size_t r = 0; r < RT; ++r) {
    even[r] = b;
    odd[r] = hn::Zero(d);
  }
  for (std::size_t k = 0; k < K; ++k) {
    for (std::size_t i = 0; i < Cin; ++i) {
      const V wk = hn::Load(d, w + (k * Cin + i) * Op);
      const float* HWY_RESTRICT a = ext + k * Dil * Cin + i;
      if (k % 2 == 0) {
        CTNN_UNROLL_ALL
        for (std::size_t r = 0; r < RT; ++r) even[r] = Fma(hn::Set(d, a[r * Cin]), wk, even[r]);
      } else {
        CTNN_UNROLL_ALL
        for (std::size_t r = 0; r < RT; ++r) odd[r] = Fma(hn::Set(d, a[r * Cin]), wk, odd[r]);
      }
    }
  }
  CTNN_UNROLL_ALL
  for (std::size_t r = 0; r < RT; ++r) {
    hn::Store(ActivateChannels<typename L::activation, L::out_extent>(d, hn::Add(even[r], odd[r]), c), d,
              y + r * Op + c);
  }
}
/// Rows per tile: 2·RT accumulators and a broadcast in the registers (the
/// weight vector can stay a memory operand). Measured on Zen 4, g++ 12, R6
/// at T = 512: RT = 8 on AVX-512's 32 registers (28.5 ns per step against
/// 29.5 for 6, 30.2 for 4; 10 and 12 rows ran 15-20 % slower); RT = 7
/// on AVX2's 16 (14 accumulators: ~5 % faster than 6, ~10 % than 4). NEON
/// (32 registers) and SSE4 (16) follow by register count, not measured.
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_NEON
inline constexpr std::size_t kConvRows = 8;
#else
inline constexpr std::size_t kConvRows = 7;
#endif
#endif

/// `rows` steps (network::forward_sequence), kChunk at a time: the chunk's
/// inputs after the last `history` ones (from the ring, oldest first) in one
/// buffer, then every output row from it by ConvRows — the step's sums and
/// activation in registers, on the step's vector width (no pass per tap, no
/// padding lanes computed). A history longer than 4096 floats runs step by
/// step; otherwise the stack holds at most 4096 + 2048 floats. Both kernels
/// do the same fused multiply-adds (Fma, rounded once on every target) in
/// the same order: the step's bits.
template <std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, class Act>
HWY_INLINE void LayerForwardSequence(SimdTag, const conv1d_layer<Cin, Cout, K, D, Act>& layer,
                                     typename conv1d_layer<Cin, Cout, K, D, Act>::state& s, std::size_t rows,
                                     const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  using L = conv1d_layer<Cin, Cout, K, D, Act>;
  constexpr std::size_t Op = L::out_padded, R = L::history;
  if constexpr (R * Cin > 4096) {
    for (std::size_t r = 0; r < rows; ++r) LayerForward(SimdTag(), layer, s, X + r * ldx, Z + r * Op);
  } else {
    // At most 64 rows and 2048 chunk inputs: ext stays within 24 KB of stack.
    constexpr std::size_t kChunk = rows_within(2048, Cin, 64);
    alignas(alignment) float ext[(R + kChunk) * Cin];
    const RecurrentTag<Op> d;
    const std::size_t N = hn::Lanes(d);
    for (std::size_t r0 = 0; r0 < rows; r0 += kChunk) {
      const std::size_t n = rows - r0 < kChunk ? rows - r0 : kChunk;
      for (std::size_t j = 0; j < R; ++j) {  // ring → chronological rows
        for (std::size_t i = 0; i < Cin; ++i) ext[j * Cin + i] = s.past[L::slot(s, j) * Cin + i];
      }
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t i = 0; i < Cin; ++i) ext[(R + r) * Cin + i] = X[(r0 + r) * ldx + i];
      float* HWY_RESTRICT z = Z + r0 * Op;
      for (std::size_t c = 0; c < Cout; c += N) {
        std::size_t r = 0;
        for (; r + kConvRows <= n; r += kConvRows) ConvRows<kConvRows>(d, layer, ext + r * Cin, c, z + r * Op);
        for (; r < n; ++r) ConvRows<1>(d, layer, ext + r * Cin, c, z + r * Op);
      }
      const std::size_t c0 = (Cout + N - 1) / N * N;
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = c0; c + N <= Op; c += N) hn::Store(hn::Zero(d), d, z + r * Op + c);  // padding
      if constexpr (R > 0) {  // the last R inputs → the ring, `next` advanced by n
        s.next = (s.next + n) % R;
        for (std::size_t j = 0; j < R; ++j) {
          for (std::size_t i = 0; i < Cin; ++i) s.past[L::slot(s, j) * Cin + i] = ext[(n + j) * Cin + i];
        }
      }
    }
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
