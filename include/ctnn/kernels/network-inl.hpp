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
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/kernels/dense-inl.hpp"
#include "ctnn/layers/batch_norm.hpp"
#include "ctnn/layers/layer.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class Net, std::size_t... I>
HWY_INLINE void ForwardLayers(const Net& net, const float* x0, float* HWY_RESTRICT a, float* HWY_RESTRICT b,
                              std::index_sequence<I...>);

/// Any other layer (dropout at inference, user layers): its own constexpr
/// forward. x is aligned and zero-padded (reads_input_padding).
template <class Layer>
  requires(!detail::is_dense_like<Layer> && !detail::is_layer_list<Layer>)
HWY_INLINE void LayerForward(const Layer& layer, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  layer.forward(x, y);
}

/// Batch norm at inference: y = (x − r_mean)·γ/√(r_var + ε) + β per lane
/// (padding lanes: γ = β = 0 give 0).
template <std::size_t C, std::intmax_t MN, std::intmax_t MD, int EE>
HWY_INLINE void LayerForward(const batch_norm_layer<C, MN, MD, EE>& layer, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  using Layer = batch_norm_layer<C, MN, MD, EE>;
  constexpr std::size_t P = Layer::out_padded;
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const float* p = layer.parameter_data();
  const float* r = layer.buffer_data();
  const auto eps = hn::Set(d, static_cast<float>(Layer::epsilon));
  for (std::size_t i = 0; i < P; i += N) {
    const auto s = hn::Div(hn::Load(d, p + i), hn::Sqrt(hn::Add(hn::Load(d, r + P + i), eps)));
    hn::Store(hn::MulAdd(hn::Sub(hn::Load(d, x + i), hn::Load(d, r + i)), s, hn::Load(d, p + P + i)), d, y + i);
  }
}

/// A residual block: the body through the kernels (ping-pong in two stack
/// buffers of its widest row), then y = x + body(x) over the padded row.
template <class Layer>
  requires detail::is_layer_list<Layer>
HWY_INLINE void LayerForward(const Layer& block, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
  alignas(alignment) float a[Layer::max_padded];
  alignas(alignment) float b[Layer::max_padded];
  ForwardLayers(block, x, a, b, std::make_index_sequence<Layer::layer_count>{});
  const float* out = Layer::layer_count % 2 == 1 ? a : b;
  const FloatTag d;
  for (std::size_t i = 0; i < Layer::out_padded; i += hn::Lanes(d))
    hn::Store(hn::Add(hn::Load(d, x + i), hn::Load(d, out + i)), d, y + i);
}

template <class Net, std::size_t... I>
HWY_INLINE void ForwardLayers(const Net& net, const float* x0, float* HWY_RESTRICT a, float* HWY_RESTRICT b,
                              std::index_sequence<I...>) {
  // Layer I reads x0 (I == 0), a (odd I) or b (even I > 0) and writes a
  // (even I) or b (odd I).
  (LayerForward(net.template layer<I>(), I == 0 ? x0 : (I % 2 == 1 ? a : b), I % 2 == 0 ? a : b), ...);
}

/// y[0, output_size) = net(x[0, input_size)). x and y need no alignment or
/// padding. Stack use: 2·Net::max_padded floats (+ Net::input_padded when the
/// first layer reads padding lanes).
template <class Net>
CTNN_KERNEL_ENTRY void ForwardNet(const Net& net, const float* HWY_RESTRICT x, float* HWY_RESTRICT y) {
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
