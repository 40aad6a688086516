// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/dense.hpp — the fully connected layer: the user-facing spec
// `dense<Units, Activation>` and the concrete `dense_layer<In, Out, Act, L>`
// that a network builds from it once the input extent is known.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"

namespace ctnn {

/// How a dense layer stores its weights inside the object. Chosen per layer at
/// compile time; the interchange order (PyTorch's weight[out][in]) is the same
/// for both, see get_parameters().
enum class layout {
  automatic,  ///< `dot` for narrow layers (Out < pad_floats), else `broadcast`
  broadcast,  ///< column blocks: for each block of up to 64 outputs, W[in][block];
              ///< the kernel broadcasts x[i] and FMAs a row of the block
  dot,        ///< row-major W[out][padded(in)]; the kernel takes dot products
};

namespace detail {
constexpr layout resolve_layout(layout l, std::size_t /*in*/, std::size_t out) noexcept {
  if (l != layout::automatic) return l;
  return out < pad_floats ? layout::dot : layout::broadcast;
}
}  // namespace detail

/// A fully connected layer with a compile-time input extent: y = act(W·x + b).
///
/// Template parameters: `In` inputs, `Out` units, activation tag `Act`,
/// weight layout `L` (never `automatic`). Parameters live inside the object
/// (aligned, zero-padded arrays; `sizeof` is the model) — no heap, ever.
/// Padding lanes are zero and must stay zero: only the accessors below and
/// the kernels write to the arrays.
template <std::size_t In, std::size_t Out, class Act, layout L>
class dense_layer {
 public:
  static_assert(L != layout::automatic, "ctnn::dense_layer: layout must be resolved (use ctnn::dense<Units, Act>)");
  using activation = Act;
  static constexpr std::size_t in_extent = In;
  static constexpr std::size_t out_extent = Out;
  static constexpr std::size_t in_padded = padded(In);
  static constexpr std::size_t out_padded = padded(Out);
  static constexpr layout weight_layout = L;
  static constexpr std::size_t parameter_count = In * Out + Out;
  /// broadcast layout: outputs are grouped in column blocks of this many floats
  /// (the last block holds the remainder, a multiple of pad_floats).
  static constexpr std::size_t block_width = 64;
  /// Whether the kernel reads x[In, in_padded) (it must then be finite; the
  /// network zero-pads the user's input for such a first layer).
  static constexpr bool reads_input_padding = L == layout::dot;
  static constexpr std::size_t weight_storage = L == layout::dot ? Out * in_padded : In * out_padded;

  /// Offset of weight (o, i) — PyTorch's weight[o][i] — in the internal array.
  static constexpr std::size_t weight_index(std::size_t o, std::size_t i) noexcept {
    if constexpr (L == layout::dot) {
      return o * in_padded + i;
    } else {
      const std::size_t ob = o / block_width * block_width;
      const std::size_t wb = out_padded - ob < block_width ? out_padded - ob : block_width;
      return ob * In + i * wb + (o - ob);
    }
  }

  constexpr float& weight(std::size_t o, std::size_t i) noexcept { return w_[weight_index(o, i)]; }
  constexpr float weight(std::size_t o, std::size_t i) const noexcept { return w_[weight_index(o, i)]; }
  constexpr float& bias(std::size_t o) noexcept { return b_[o]; }
  constexpr float bias(std::size_t o) const noexcept { return b_[o]; }

  /// Raw storage for the kernels (layout as described by `weight_layout`;
  /// weight_storage and out_padded floats). Writers must keep padding zero.
  constexpr const float* weight_data() const noexcept { return w_.data(); }
  constexpr const float* bias_data() const noexcept { return b_.data(); }
  constexpr float* weight_data() noexcept { return w_.data(); }
  constexpr float* bias_data() noexcept { return b_.data(); }

  /// Visits every parameter in interchange order (weight[o][i] row-major, then
  /// bias[o]) as `f(float&)` or `f(const float&)`.
  template <class F>
  constexpr void for_each_parameter(F&& f) {
    for (std::size_t o = 0; o < Out; ++o)
      for (std::size_t i = 0; i < In; ++i) f(weight(o, i));
    for (std::size_t o = 0; o < Out; ++o) f(b_[o]);
  }
  template <class F>
  constexpr void for_each_parameter(F&& f) const {
    for (std::size_t o = 0; o < Out; ++o)
      for (std::size_t i = 0; i < In; ++i) f(w_[weight_index(o, i)]);
    for (std::size_t o = 0; o < Out; ++o) f(b_[o]);
  }

  /// Training storage (see ctnn::Layer): the weight array then the bias
  /// array, as two blocks of weight_storage and out_padded floats.
  static constexpr std::size_t parameter_storage = weight_storage + out_padded;
  /// Offset in that storage of the k-th parameter in interchange order.
  static constexpr std::size_t storage_index(std::size_t k) noexcept {
    return k < In * Out ? weight_index(k / In, k % In) : weight_storage + (k - In * Out);
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) {
    f(w_.data(), weight_storage);
    f(b_.data(), out_padded);
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) const {
    f(w_.data(), weight_storage);
    f(b_.data(), out_padded);
  }

  /// Fan-in/fan-out for initialisation.
  static constexpr std::size_t fan_in = In;
  static constexpr std::size_t fan_out = Out;

 private:
  alignas(alignment) std::array<float, weight_storage> w_{};
  alignas(alignment) std::array<float, out_padded> b_{};
};

namespace detail {
/// Shape checks for one dense spec. Instantiated by the network with the
/// layer's index and input extent, so the compiler's "required from" note
/// names both: `dense_check<LayerIndex, InExtent, Units, Act>`.
template <std::size_t LayerIndex, std::size_t InExtent, std::size_t Units, class Act>
struct dense_check {
  static_assert(Units > 0, "ctnn::dense: layer LayerIndex has zero units; a dense layer needs Units >= 1");
  static_assert(Act::elementwise || Units >= 2,
                "ctnn::dense: layer LayerIndex applies softmax to a single unit (always 1); use sigmoid");
  static constexpr bool value = true;
};
}  // namespace detail

/// Spec of a fully connected layer with `Units` outputs and activation `Act`,
/// for use in `ctnn::network<ctnn::input<N>, ctnn::dense<...>, ...>`.
/// `L` picks the weight layout; the default lets ctnn choose per layer.
/// Example: examples/quickstart.cpp
template <std::size_t Units, class Act = identity, layout L = layout::automatic>
struct dense {
  static_assert(detail::activation_check<Act>::value, "ctnn::dense<Units, Act>: Act must satisfy ctnn::Activation");
  static constexpr std::size_t units = Units;
  static constexpr std::size_t out_extent(std::size_t /*in*/) noexcept { return Units; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = detail::dense_check<LayerIndex, In, Units, Act>::value;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = dense_layer<In, Units, Act, detail::resolve_layout(L, In, Units)>;
};

}  // namespace ctnn
