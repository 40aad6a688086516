// SPDX-License-Identifier: Apache-2.0
// A user-defined layer: a learnable per-feature scale, y = x ⊙ s — in PyTorch
//   class FeatureScale(nn.Module):
//       def __init__(self, n): super().__init__(); self.weight = nn.Parameter(torch.ones(n))
//       def forward(self, x): return x * self.weight
// It follows the layer protocol of ctnn/layers/layer.hpp (checked piece by
// piece by ctnn::network and ctnn::trainer): a spec (`feature_scale`) that the
// network turns into a concrete layer once it knows the input size, and the
// layer's extents, parameters, forward and training members. Used by
// tests/extend.test.cpp (finite differences, PyTorch parity).
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include <ctnn/config.hpp>

namespace example {

template <std::size_t C>
class feature_scale_layer {
 public:
  static constexpr std::size_t in_extent = C, out_extent = C;
  static constexpr std::size_t in_padded = ctnn::padded(C), out_padded = ctnn::padded(C);
  static constexpr bool reads_input_padding = false;  // reads x[0, C) only
  static constexpr std::size_t parameter_count = C;
  // Training storage: the scales in interchange order, padded to whole
  // vectors and aligned (the optimizers' SIMD kernels update it in place).
  static constexpr std::size_t parameter_storage = ctnn::padded(C);
  static constexpr std::size_t storage_index(std::size_t k) noexcept { return k; }

  /// The spec's C++ spelling, for model files and exported headers.
  static std::string cpp_spec_name() { return "example::feature_scale"; }

  constexpr feature_scale_layer() noexcept {
    for (std::size_t c = 0; c < C; ++c) s_[c] = 1.0f;
  }
  /// PyTorch's torch.ones (ctnn::initialize calls this).
  template <class Rng>
  constexpr void initialize(Rng&) noexcept {
    for (std::size_t c = 0; c < C; ++c) s_[c] = 1.0f;
  }

  template <class F>
  constexpr void for_each_parameter(F&& f) {
    for (std::size_t c = 0; c < C; ++c) f(s_[c]);
  }
  template <class F>
  constexpr void for_each_parameter(F&& f) const {
    for (std::size_t c = 0; c < C; ++c) f(s_[c]);
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) {
    f(s_.data(), parameter_storage);
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) const {
    f(s_.data(), parameter_storage);
  }

  constexpr void forward(const float* x, float* y) const {
    for (std::size_t c = 0; c < C; ++c) y[c] = x[c] * s_[c];
    for (std::size_t c = C; c < out_padded; ++c) y[c] = 0.0f;
  }

  // Training: rows of in_padded / out_padded floats; nothing to cache (x is
  // passed back to train_backward).
  template <std::size_t Batch>
  struct train_cache {};
  template <std::size_t Batch>
  static constexpr std::size_t train_scratch = 1;

  template <class Backend, std::size_t Batch>
  constexpr void train_forward(train_cache<Batch>&, const float* X, float* Y, float*) const {
    for (std::size_t b = 0; b < Batch; ++b) forward(X + b * in_padded, Y + b * out_padded);
  }
  /// ds_c = Σ_b dy·x (0 for the padding), dx = dy·s.
  template <class Backend, std::size_t Batch>
  constexpr void train_backward(train_cache<Batch>&, const float* X, const float*, float* dY, float* dX, float* grad,
                                float*) const {
    for (std::size_t c = 0; c < parameter_storage; ++c) {
      float g = 0.0f;
      if (c < C)
        for (std::size_t b = 0; b < Batch; ++b) g += dY[b * out_padded + c] * X[b * in_padded + c];
      grad[c] = g;
    }
    if (dX == nullptr) return;
    for (std::size_t b = 0; b < Batch; ++b)
      for (std::size_t c = 0; c < in_padded; ++c) dX[b * in_padded + c] = c < C ? dY[b * out_padded + c] * s_[c] : 0.0f;
  }

 private:
  alignas(ctnn::alignment) std::array<float, parameter_storage> s_{};
};

/// The spec: as many features as the previous layer has outputs.
struct feature_scale {
  static constexpr std::size_t out_extent(std::size_t in) noexcept { return in; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = true;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = feature_scale_layer<In>;
};

}  // namespace example
