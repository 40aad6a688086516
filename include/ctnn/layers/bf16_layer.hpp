// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/bf16_layer.hpp — a dense layer's inference-only twin in
// bfloat16: weights stored as bf16 (half the bytes), each input rounded to
// bf16 as it enters the layer, products accumulated in fp32 — the arithmetic
// of AVX512_BF16's vdpbf16ps, which the kernels use where the CPU has it
// (and a portable widening path elsewhere, with the same products: a bf16 ×
// bf16 product is exact in fp32). Built from a trained dense_layer (whose
// bf16_type it is); see ctnn/bf16.hpp. Kernels: bf16_layer-inl.hpp.
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
/// bfloat16 (relative error ≤ 2^-9 per weight: 8 significant bits, rounded
/// to nearest even) and inputs rounded the same way inside forward; fp32
/// biases and fp32 sums. Same extents, activation and layout family:
///  - dot layout: rows W[o][in_padded], as the fp32 layer;
///  - broadcast layout: the fp32 layer's column blocks, with the inputs taken
///    in pairs — in a block of width w, the pair (2p, 2p+1) is a row of w
///    interleaved bf16 pairs, W[2p][c] at 2c and W[2p+1][c] at 2c + 1 — which
///    is vdpbf16ps's operand order, and one 32-bit load feeds two inputs on
///    the portable path. An odd In gets a zero row.
/// weight(o, i) returns the stored value widened to float.
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
  /// Input pairs of the broadcast layout (In rounded up to even, halved).
  static constexpr std::size_t in_pairs = (in_extent + 1) / 2;
  static constexpr std::size_t weight_storage =
      weight_layout == layout::dot ? Layer::weight_storage : 2 * in_pairs * out_padded;

  static constexpr std::size_t weight_index(std::size_t o, std::size_t i) noexcept {
    if constexpr (weight_layout == layout::dot) {
      return Layer::weight_index(o, i);
    } else {
      const std::size_t ob = o / block_width * block_width;
      const std::size_t wb = out_padded - ob < block_width ? out_padded - ob : block_width;
      return 2 * in_pairs * ob + (i / 2) * (2 * wb) + 2 * (o - ob) + i % 2;
    }
  }

  constexpr bf16_layer() = default;
  constexpr explicit bf16_layer(const Layer& l) noexcept { assign(l); }

  /// Rounds every weight of `l` to bf16 and copies the biases.
  constexpr void assign(const Layer& l) noexcept {
    for (std::size_t o = 0; o < out_extent; ++o)
      for (std::size_t i = 0; i < in_extent; ++i) w_[weight_index(o, i)] = detail::to_bf16(l.weight(o, i));
    const float* b = l.bias_data();
    for (std::size_t k = 0; k < out_padded; ++k) b_[k] = b[k];
  }

  constexpr float weight(std::size_t o, std::size_t i) const noexcept { return detail::from_bf16(w_[weight_index(o, i)]); }
  constexpr float bias(std::size_t o) const noexcept { return b_[o]; }
  /// One sample, scalar reference (the kernels: bf16_layer-inl.hpp): the
  /// inputs rounded to bf16, then the dense layer's reference.
  constexpr void forward(const float* x, float* y) const {
    float xr[in_extent];
    for (std::size_t i = 0; i < in_extent; ++i) xr[i] = detail::from_bf16(detail::to_bf16(x[i]));
    detail::dense_forward_reference(*this, xr, y);
  }
  /// Raw storage for the kernels: bf16 bit patterns in the layout above.
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
