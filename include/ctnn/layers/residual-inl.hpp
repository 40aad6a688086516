// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/residual-inl.hpp — the residual block's Highway forward: the
// body through its layers' kernels (ping-pong in two stack buffers of the
// body's widest row), then y = x + body(x) over the padded row.
// Re-included once per target (per-target include guard).

#if defined(CTNN_LAYERS_RESIDUAL_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_RESIDUAL_INL_HPP_
#undef CTNN_LAYERS_RESIDUAL_INL_HPP_
#else
#define CTNN_LAYERS_RESIDUAL_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/kernels/sequence-inl.hpp"
#include "ctnn/layers/residual.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <std::size_t In, class... Specs>
HWY_INLINE void ResidualForward(const residual_layer<In, Specs...>& block,
                                typename residual_layer<In, Specs...>::state& st, const float* HWY_RESTRICT x,
                                float* HWY_RESTRICT y) {
  using Block = residual_layer<In, Specs...>;
  alignas(alignment) float a[Block::max_padded];
  alignas(alignment) float b[Block::max_padded];
  ForwardLayers(block, st, x, a, b, std::make_index_sequence<Block::layer_count>{});
  const float* out = Block::layer_count % 2 == 1 ? a : b;
  const FloatTag d;
  for (std::size_t i = 0; i < Block::out_padded; i += hn::Lanes(d))
    hn::Store(hn::Add(hn::Load(d, x + i), hn::Load(d, out + i)), d, y + i);
}

template <std::size_t In, class... Specs>
HWY_INLINE void LayerForward(SimdTag, const residual_layer<In, Specs...>& block, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  typename residual_layer<In, Specs...>::state none{};
  ResidualForward(block, none, x, y);
}
template <std::size_t In, class... Specs>
HWY_INLINE void LayerForward(SimdTag, const residual_layer<In, Specs...>& block,
                             typename residual_layer<In, Specs...>::state& st, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  ResidualForward(block, st, x, y);
}

/// `rows` steps of a block (network::forward_sequence): its body runs the
/// rows layer by layer through the layers' own sequence kernels, then
/// y = x + body(x) row by row — the bits of ResidualForward step by step.
template <std::size_t In, class... Specs, class State>
HWY_INLINE void LayerForwardSequence(SimdTag, const residual_layer<In, Specs...>& block, State& st, std::size_t rows,
                                     const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  using Block = residual_layer<In, Specs...>;
  constexpr std::size_t T = kSequenceTile<Block::max_padded>;
  alignas(alignment) float a[T * Block::max_padded];
  alignas(alignment) float b[T * Block::max_padded];
  typename Block::state none{};
  auto& states = [&]() -> auto& {
    if constexpr (detail::is_stateful<Block>) {
      return st;
    } else {
      return none;
    }
  }();
  const FloatTag d;
  for (std::size_t r0 = 0; r0 < rows; r0 += T) {
    const std::size_t n = rows - r0 < T ? rows - r0 : T;
    const float* out =
        SequenceLayers(block, states, n, X + r0 * ldx, ldx, a, b, std::make_index_sequence<Block::layer_count>{});
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t i = 0; i < Block::out_padded; i += hn::Lanes(d))
        hn::Store(hn::Add(hn::Load(d, X + (r0 + r) * ldx + i), hn::Load(d, out + r * Block::out_padded + i)), d,
                  Z + (r0 + r) * Block::out_padded + i);
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
