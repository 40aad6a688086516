// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/bf16_layer.hpp — a dense layer's inference-only twin with
// bfloat16 weights (fp32 biases, fp32 arithmetic): half the bytes per
// weight, the same layout, so the same kernels stream it (they widen bf16 to
// fp32 on load). Built from a trained dense_layer (whose bf16_type it is);
// see ctnn/bf16.hpp. Kernels: bf16_layer-inl.hpp.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "ctnn/config.hpp"
#include "ctnn/layers/dense.hpp"

namespace ctnn {

namespace detail {
/// fp32 → bf16, round to nearest even; NaN stays NaN (quieted), ±Inf stays.
constexpr std::uint16_t to_bf16(float f) noexcept {
  const auto u = std::bit_cast<std::uint32_t>(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x0040u);
  return static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
/// bf16 → fp32 (exact).
constexpr float from_bf16(std::uint16_t h) noexcept { return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16); }
}  // namespace detail

/// Inference-only copy of `Layer` (a dense_layer) with weights rounded to
/// bfloat16: relative error ≤ 2^-8 per weight (8 significant bits, rounded). Same extents, layout and
/// activation; weight(o, i) returns the stored value widened to float.
template <class Layer>
class bf16_layer {
 public:
  using source = Layer;
  using activation = typename Layer::activation;
  static constexpr std::size_t in_extent = Layer::in_extent;
  static constexpr std::size_t out_extent = Layer::out_extent;
  static constexpr std::size_t in_padded = Layer::in_padded;
  static constexpr std::size_t out_padded = Layer::out_padded;
  static constexpr layout weight_layout = Layer::weight_layout;
  static constexpr std::size_t parameter_count = Layer::parameter_count;
  static constexpr std::size_t block_width = Layer::block_width;
  static constexpr bool reads_input_padding = Layer::reads_input_padding;
  static constexpr std::size_t weight_storage = Layer::weight_storage;

  constexpr bf16_layer() = default;
  constexpr explicit bf16_layer(const Layer& l) noexcept { assign(l); }

  /// Rounds every weight of `l` to bf16 and copies the biases.
  constexpr void assign(const Layer& l) noexcept {
    const float* w = l.weight_data();
    for (std::size_t k = 0; k < weight_storage; ++k) w_[k] = detail::to_bf16(w[k]);
    const float* b = l.bias_data();
    for (std::size_t k = 0; k < out_padded; ++k) b_[k] = b[k];
  }

  constexpr float weight(std::size_t o, std::size_t i) const noexcept {
    return detail::from_bf16(w_[Layer::weight_index(o, i)]);
  }
  constexpr float bias(std::size_t o) const noexcept { return b_[o]; }
  /// One sample, scalar reference (the kernels: bf16_layer-inl.hpp).
  constexpr void forward(const float* x, float* y) const { detail::dense_forward_reference(*this, x, y); }
  /// Raw storage for the kernels: bf16 bit patterns in Layer's layout.
  constexpr const std::uint16_t* weight_data() const noexcept { return w_.data(); }
  constexpr const float* bias_data() const noexcept { return b_.data(); }

 private:
  alignas(alignment) std::array<std::uint16_t, weight_storage> w_{};
  alignas(alignment) std::array<float, out_padded> b_{};
};

}  // namespace ctnn

// The SIMD kernels (for the TU's static target; ctnn/dynamic.hpp re-includes
// them per target through ctnn/layers/layers-inl.hpp).
#include "ctnn/layers/bf16_layer-inl.hpp"  // IWYU pragma: export
