// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/conv1d-inl.hpp — the Highway kernel of the causal convolution
// (conv1d.hpp): one time step broadcasts each input of each tap and
// multiplies a row of output channels. Per lane, two sums: the even taps
// from the bias, the odd taps from zero, each in tap then input order (half
// the dependency chain of one sum); y = act(even + odd). A sequence that
// computes the taps by GEMMs in the same order gets the same bits.
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
        for (std::size_t i = 0; i < Cin; ++i) even = hn::MulAdd(hn::Set(d, in[i]), hn::Load(d, rows + i * Op), even);
      } else {
        for (std::size_t i = 0; i < Cin; ++i) odd = hn::MulAdd(hn::Set(d, in[i]), hn::Load(d, rows + i * Op), odd);
      }
    }
    hn::Store(ActivateChannels<Act, Cout>(d, hn::Add(even, odd), c), d, y + c);
  }
  for (; c + N <= Op; c += N) hn::Store(hn::Zero(d), d, y + c);  // padding
  L::remember(s, x);
}

/// `rows` steps (network::forward_sequence), kChunk at a time: the chunk's
/// inputs after the last `history` ones (from the ring, oldest first), then
/// per tap one GEMM over the chunk — even taps into E from the bias, odd
/// taps into O from zero, each in tap and input order, as the step sums —
/// and y = act(E + O). A history longer than 4096 floats runs step by step.
template <std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, class Act>
HWY_INLINE void LayerForwardSequence(SimdTag, const conv1d_layer<Cin, Cout, K, D, Act>& layer,
                                     typename conv1d_layer<Cin, Cout, K, D, Act>::state& s, std::size_t rows,
                                     const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  using L = conv1d_layer<Cin, Cout, K, D, Act>;
  constexpr std::size_t Op = L::out_padded, R = L::history;
  if constexpr (R * Cin > 4096) {
    for (std::size_t r = 0; r < rows; ++r) LayerForward(SimdTag(), layer, s, X + r * ldx, Z + r * Op);
  } else {
    constexpr std::size_t kChunk = 2048 / Op < 1 ? 1 : (2048 / Op > 64 ? 64 : 2048 / Op);
    alignas(alignment) float ext[(R + kChunk) * Cin];
    alignas(alignment) float odd[K > 1 ? kChunk * Op : 1];
    const RecurrentTag<Op> d;
    const std::size_t N = hn::Lanes(d);
    for (std::size_t r0 = 0; r0 < rows; r0 += kChunk) {
      const std::size_t n = rows - r0 < kChunk ? rows - r0 : kChunk;
      for (std::size_t j = 0; j < R; ++j) {  // ring → chronological rows
        for (std::size_t i = 0; i < Cin; ++i) ext[j * Cin + i] = s.past[L::slot(s, j) * Cin + i];
      }
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t i = 0; i < Cin; ++i) ext[(R + r) * Cin + i] = X[(r0 + r) * ldx + i];
      float* HWY_RESTRICT even = Z + r0 * Op;
      for (std::size_t k = 0; k < K; ++k) {
        // Output row r reads the input of step r + k·D of ext (tap k).
        Gemm(n, Cin, Op, ext + k * D * Cin, Cin, 1, layer.weight_data() + k * Cin * Op, Op,
             k == 0 ? layer.bias_data() : nullptr, k % 2 == 0 ? even : odd, Op, k >= 2);
      }
      for (std::size_t r = 0; r < n; ++r) {
        float* HWY_RESTRICT y = even + r * Op;
        std::size_t c = 0;
        for (; c < Cout; c += N) {
          const auto o = K > 1 ? hn::Load(d, odd + r * Op + c) : hn::Zero(d);
          hn::Store(ActivateChannels<Act, Cout>(d, hn::Add(hn::Load(d, y + c), o), c), d, y + c);
        }
        for (; c + N <= Op; c += N) hn::Store(hn::Zero(d), d, y + c);
      }
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
