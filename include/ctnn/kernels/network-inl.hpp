// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/network-inl.hpp — the per-target forward pass of a layer list
// (network, bf16_network, a residual block's body): the list is unrolled by a
// pack expansion, each layer runs its kernel, activations ping-pong between
// two aligned stack buffers of max_padded floats (no copies, no heap).
// Layers bring their kernels as overloads of LayerForward(SimdTag, ...) in
// their own -inl.hpp; a layer without one runs its scalar forward here.
// Re-included once per target (per-target include guard).

#if defined(CTNN_KERNELS_NETWORK_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_NETWORK_INL_HPP_
#undef CTNN_KERNELS_NETWORK_INL_HPP_
#else
#define CTNN_KERNELS_NETWORK_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <boost/hana/at.hpp>
#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/layers/layer.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// Default SIMD forward of a stateless layer: its scalar forward (x is
/// aligned and zero-padded: reads_input_padding layers get what they need).
template <class Layer>
HWY_INLINE void LayerForward(SimdTag, const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  layer.forward(x, y);
}
/// Default SIMD step of a stateful layer: its scalar forward.
template <class Layer, class State>
HWY_INLINE void LayerForward(SimdTag, const Layer& layer, State& s, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  layer.forward(s, x, y);
}
/// One layer with its state, as the list driver calls it.
template <class Layer>
HWY_INLINE void LayerStep(const Layer& layer, detail::layer_state<Layer>& s, const float* HWY_RESTRICT x,
                          float* HWY_RESTRICT y) {
  if constexpr (detail::is_stateful<Layer>) {
    LayerForward(SimdTag(), layer, s, x, y);
  } else {
    LayerForward(SimdTag(), layer, x, y);
  }
}
/// A stateless layer's SIMD forward by itself (tests; the -inl overloads).
template <class Layer>
HWY_INLINE void LayerForward(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  LayerForward(SimdTag(), layer, x, y);
}

/// Default of the last layer's forward with its logits (the pre-activation
/// output a loss reads; ctnn::evaluate): a layer that names no output
/// activation outputs its logits.
template <class Layer>
HWY_INLINE void LayerForwardLogits(SimdTag, const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y,
                                   float* HWY_RESTRICT z) {
  LayerForward(SimdTag(), layer, x, y);
  for (std::size_t i = 0; i < Layer::out_padded; ++i) z[i] = y[i];
}

template <class List, class States, std::size_t... I>
HWY_INLINE void ForwardLayers(const List& list, States& st, const float* x0, float* HWY_RESTRICT a,
                              float* HWY_RESTRICT b, std::index_sequence<I...>) {
  // Layer I reads x0 (I == 0), a (odd I) or b (even I > 0) and writes a
  // (even I) or b (odd I).
  (LayerStep(list.template layer<I>(), boost::hana::at_c<I>(st), I == 0 ? x0 : (I % 2 == 1 ? a : b),
             I % 2 == 0 ? a : b),
   ...);
}

/// y[0, output_size) = list(x[0, input_size)), advancing the states `st`.
/// x and y need no alignment or padding. WithLogits (ctnn::evaluate, a
/// stateless list): z[0, output_size) also receives the last layer's
/// logits. Stack use: 2·max_padded floats (+ input_padded when the first
/// layer reads padding lanes).
/// Out of line on purpose: one body per layer list in a program, so every
/// caller gets bit-identical results (inlined, g++'s -ffp-contract=fast may
/// fuse a multiply and an add differently at each call site).
template <bool WithLogits = false, class List>
HWY_NOINLINE void ForwardNet(const List& list, typename List::state_tuple& st, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y, float* HWY_RESTRICT z = nullptr) {
  using First = typename List::template layer_type<0>;
  constexpr std::size_t n = List::layer_count;
  alignas(alignment) float a[List::max_padded];
  alignas(alignment) float b[List::max_padded];
  const float* x0 = x;
  if constexpr (First::reads_input_padding) {
    // The first layer reads whole vectors: copy the input into `b` (free until
    // layer 1 writes it) with zero padding.
    for (std::size_t i = 0; i < List::input_size; ++i) b[i] = x[i];
    for (std::size_t i = List::input_size; i < List::input_padded; ++i) b[i] = 0.0f;
    x0 = b;
  }
  float* out = n % 2 == 1 ? a : b;
  if constexpr (!WithLogits) {
    ForwardLayers(list, st, x0, a, b, std::make_index_sequence<n>{});
  } else {
    using Last = typename List::template layer_type<n - 1>;
    alignas(alignment) float logits[Last::out_padded];
    ForwardLayers(list, st, x0, a, b, std::make_index_sequence<n - 1>{});
    const float* in = n == 1 ? x0 : (n % 2 == 0 ? a : b);
    LayerForwardLogits(SimdTag(), list.template layer<n - 1>(), in, out, logits);
    for (std::size_t o = 0; o < List::output_size; ++o) z[o] = logits[o];
  }
  for (std::size_t o = 0; o < List::output_size; ++o) y[o] = out[o];
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
