// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/activation.hpp — ctnn::activation<Act>: an activation as a
// layer of its own, y = act(x) (PyTorch's nn.ReLU, nn.GELU, nn.Softmax...),
// so that Linear → BatchNorm1d → GELU can be written in PyTorch's order.
// dense<U, Act> stays the fused form (one pass over the outputs).
// Kernels: activation-inl.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"

namespace ctnn {

/// The activation `Act` over C features (see ctnn::activation). No
/// parameters. As the last layer it is the output activation a loss sees
/// (softmax + cross_entropy: the loss reads the layer's input as logits).
template <std::size_t C, class Act>
class activation_layer {
 public:
  using activation = Act;
  static constexpr std::size_t in_extent = C;
  static constexpr std::size_t out_extent = C;
  static constexpr std::size_t in_padded = padded(C);
  static constexpr std::size_t out_padded = padded(C);
  static constexpr bool reads_input_padding = true;  // the kernels run whole vectors
  static constexpr std::size_t parameter_count = 0;
  static constexpr std::size_t parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) noexcept { return k; }
  template <class F>
  constexpr void for_each_parameter(F&&) const noexcept {}
  template <class F>
  constexpr void for_each_parameter_block(F&&) const noexcept {}

  static std::string cpp_spec_name() { return "ctnn::activation<" + activation_cpp_name<Act>() + ">"; }
  static std::string short_name() { return std::string(Act::name); }
  static constexpr std::string_view header = "ctnn/layers/activation.hpp";

  /// One sample, scalar reference: y[0, C) = act(x), padding lanes 0.
  constexpr void forward(const float* x, float* y) const {
    if constexpr (Act::elementwise) {
      for (std::size_t c = 0; c < C; ++c) y[c] = Act::apply(x[c]);
    } else {
      for (std::size_t c = 0; c < C; ++c) y[c] = x[c];
      Act::apply(y, C);
    }
    for (std::size_t c = C; c < out_padded; ++c) y[c] = 0.0f;
  }

  // ------------------------------------------------------------- training
  template <std::size_t Batch>
  struct train_cache {};  // backward reads X (silu, gelu) or Y
  template <std::size_t Batch>
  static constexpr std::size_t train_scratch = 1;

  template <class Backend, std::size_t Batch>
  constexpr void train_forward(train_cache<Batch>&, const float* X, float* Y, float*) const {
    Backend::template activate_rows_to<Act, C, out_padded>(X, Y, Batch);
  }
  template <class Backend, std::size_t Batch>
  constexpr void train_backward(train_cache<Batch>&, const float* X, const float* Y, float* dY, float* dX, float*,
                                float*) const {
    if (dX == nullptr) return;
    constexpr std::size_t P = out_padded;
    if constexpr (Act::elementwise) {
      Backend::template activation_backward<Act>(detail::backward_from_input<Act> ? X : Y, dY, dX, Batch * P);
    } else {
      for (std::size_t b = 0; b < Batch; ++b) {
        Act::backward(Y + b * P, dY + b * P, dX + b * P, C);
        for (std::size_t c = C; c < P; ++c) dX[b * P + c] = 0.0f;
      }
    }
  }
  /// The logits are the layer's input; a fused loss's dL/dlogits is dL/dX.
  template <std::size_t Batch>
  static constexpr const float* train_logits(const train_cache<Batch>&, const float* X, const float*) {
    return X;
  }
  template <class Backend, std::size_t Batch>
  constexpr void train_backward_logits(train_cache<Batch>&, const float*, const float*, const float* dZ, float* dX,
                                       float*, float*) const {
    if (dX == nullptr) return;
    for (std::size_t i = 0; i < Batch * out_padded; ++i) dX[i] = dZ[i];
  }
};

namespace detail {
template <std::size_t LayerIndex, std::size_t In, class Act>
struct activation_layer_check {
  static_assert(Act::elementwise || In >= 2,
                "ctnn::activation: layer LayerIndex applies softmax to a single feature (always 1); use sigmoid");
  static constexpr bool value = true;
};
}  // namespace detail

/// Spec of an activation layer for ctnn::network: y = act(x) over as many
/// features as the previous layer's outputs. Example:
///     ctnn::dense<64>, ctnn::batch_norm<>, ctnn::activation<ctnn::gelu>
/// Example program: examples/fashion_mnist_residual.cpp
template <class Act>
struct activation {
  static_assert(detail::activation_check<Act>::value, "ctnn::activation<Act>: Act must satisfy ctnn::Activation");
  static constexpr std::size_t out_extent(std::size_t in) noexcept { return in; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = detail::activation_layer_check<LayerIndex, In, Act>::value;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = activation_layer<In, Act>;
};

}  // namespace ctnn

// The SIMD kernels (for the TU's static target; ctnn/dynamic.hpp re-includes
// them per target through ctnn/layers/layers-inl.hpp).
#include "ctnn/layers/activation-inl.hpp"  // IWYU pragma: export
