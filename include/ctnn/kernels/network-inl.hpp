// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/network-inl.hpp — the per-target whole-network forward pass:
// the layer list is unrolled by a pack expansion, each layer runs its Highway
// kernel, activations ping-pong between two aligned stack buffers of
// Net::max_padded floats (no copies between layers, no heap).
// Re-included once per target (per-target include guard).

#if defined(CTNN_KERNELS_NETWORK_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_NETWORK_INL_HPP_
#undef CTNN_KERNELS_NETWORK_INL_HPP_
#else
#define CTNN_KERNELS_NETWORK_INL_HPP_
#endif

#include <hwy/highway.h>

#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/kernels/dense-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

template <class Net, std::size_t... I>
HWY_INLINE void ForwardLayers(const Net& net, const float* x0, float* HWY_RESTRICT a,
                              float* HWY_RESTRICT b, std::index_sequence<I...>) {
  // Layer I reads x0 (I == 0), a (odd I) or b (even I > 0) and writes a
  // (even I) or b (odd I).
  (LayerForward(net.template layer<I>(), I == 0 ? x0 : (I % 2 == 1 ? a : b), I % 2 == 0 ? a : b), ...);
}

/// y[0, output_size) = net(x[0, input_size)). x and y need no alignment or
/// padding. Stack use: 2·Net::max_padded floats (+ Net::input_padded when the
/// first layer reads padding lanes).
template <class Net>
HWY_INLINE void ForwardNet(const Net& net, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  using First = typename Net::template layer_type<0>;
  alignas(alignment) float a[Net::max_padded];
  alignas(alignment) float b[Net::max_padded];
  const float* x0 = x;
  if constexpr (First::reads_input_padding) {
    // The first layer reads whole vectors: copy the input into `b` (free until
    // layer 1 writes it) with zero padding.
    for (std::size_t i = 0; i < Net::input_size; ++i) b[i] = x[i];
    for (std::size_t i = Net::input_size; i < Net::input_padded; ++i) b[i] = 0.0f;
    x0 = b;
  }
  ForwardLayers(net, x0, a, b, std::make_index_sequence<Net::layer_count>{});
  const float* out = Net::layer_count % 2 == 1 ? a : b;
  for (std::size_t o = 0; o < Net::output_size; ++o) y[o] = out[o];
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
