// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/dense.hpp — the fully connected layer: the user-facing spec
// `dense<Units, Activation>` and the concrete `dense_layer<In, Out, Act, L>`
// that a network builds from it once the input extent is known.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"
#include "ctnn/detail/cmath.hpp"

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

template <class Layer>
class bf16_layer;  // ctnn/layers/bf16_layer.hpp

/// Standard deviation of the initial weights of a dense layer `Layer`:
/// He: sqrt(2 / ((1 + a²)·fan_in)) with a the leaky slope (0 for relu);
/// Glorot: sqrt(2 / (fan_in + fan_out)).
template <class Layer>
constexpr double init_stddev() noexcept {
  using Act = typename Layer::activation;
  if constexpr (Act::init == init_scheme::he) {
    double a = 0.0;
    if constexpr (detail::is_leaky_relu<Act>) a = Act::slope;
    return detail::sqrt(2.0 / ((1.0 + a * a) * static_cast<double>(Layer::fan_in)));
  } else {
    return detail::sqrt(2.0 / static_cast<double>(Layer::fan_in + Layer::fan_out));
  }
}

namespace detail {
/// One sample through a dense-like layer (dense_layer, bf16_layer), the
/// scalar reference: sums in double, rounds once to float, then applies the
/// activation (skipped with Logits: y = W·x + b). Writes y[0, Out).
template <class Layer, bool Logits = false>
constexpr void dense_forward_reference(const Layer& layer, const float* x, float* y) {
  constexpr std::size_t In = Layer::in_extent, Out = Layer::out_extent;
  using Act = typename Layer::activation;
  for (std::size_t o = 0; o < Out; ++o) {
    double s = layer.bias(o);
    for (std::size_t i = 0; i < In; ++i) s += static_cast<double>(layer.weight(o, i)) * x[i];
    if constexpr (Act::elementwise && !Logits) {
      y[o] = Act::apply(static_cast<float>(s));
    } else {
      y[o] = static_cast<float>(s);
    }
  }
  if constexpr (!Act::elementwise && !Logits) Act::apply(y, Out);
}

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

  /// ctnn::initialize: weights ~ N(0, init_stddev²) in interchange order
  /// (He for the relu family, Glorot otherwise), biases 0.
  template <class Rng>
  constexpr void initialize(Rng& gen) noexcept {
    const double sd = init_stddev<dense_layer>();
    std::size_t k = 0;
    for_each_parameter([&](float& p) {
      p = k < In * Out ? static_cast<float>(sd * gen.normal()) : 0.0f;
      ++k;
    });
  }

  /// One sample, scalar reference (the compile-time path; the SIMD kernels
  /// are in dense-inl.hpp): y[0, Out) = act(W·x + b).
  constexpr void forward(const float* x, float* y) const { detail::dense_forward_reference(*this, x, y); }

  // ------------------------------------------------------------- names
  static std::string cpp_spec_name() {
    // The layout is not part of it: files hold parameters in interchange order.
    return "ctnn::dense<" + std::to_string(Out) + ", " + activation_cpp_name<Act>() + ">";
  }
  static std::string short_name() { return std::to_string(Out) + "(" + std::string(Act::name) + ")"; }
  static constexpr std::string_view header = "ctnn/layers/dense.hpp";
  /// bf16_network stores this layer with bf16 weights.
  using bf16_type = bf16_layer<dense_layer>;

  // ------------------------------------------------------------- training
  // Z = X·Wᵀ + b by GEMM (per column panel of the blocked layout; dot-layout
  // weights are transposed into scratch first), Y = act(Z). The cache keeps
  // Z: the loss takes logits, and silu/gelu differentiate from z. Backward
  // turns dY into dZ over Z in place, then dW = dZᵀ·X (in the layer's own
  // layout), db = column sums of dZ, dX = dZ·W.
  /// An identity layer keeps no z: its logits are its output.
  static constexpr bool keeps_logits = !std::is_same_v<Act, identity>;
  template <std::size_t Batch>
  struct train_cache {
    alignas(alignment) std::array<float, keeps_logits ? Batch * out_padded : 0> z{};
  };
  /// A transposed copy of W: [In][Out_pad] for the forward pass of dot
  /// layers, [Out][In_pad] for the input gradient of broadcast layers.
  template <std::size_t Batch>
  static constexpr std::size_t train_scratch = L == layout::dot ? In * out_padded : Out * in_padded;

  template <class Backend, std::size_t Batch>
  constexpr void train_forward(train_cache<Batch>& c, const float* X, float* Y, float* s) const {
    constexpr std::size_t Inp = in_padded, Outp = out_padded;
    float* Z = keeps_logits ? c.z.data() : Y;  // padding lanes: zero weights and bias give exact zeros
    if constexpr (L == layout::broadcast) {
      for (std::size_t ob = 0; ob < Outp; ob += block_width) {
        const std::size_t wb = Outp - ob < block_width ? Outp - ob : block_width;
        Backend::gemm(Batch, In, wb, X, Inp, 1, w_.data() + ob * In, wb, b_.data() + ob, Z + ob, Outp, false);
      }
    } else {
      for (std::size_t i = 0; i < In; ++i)
        for (std::size_t o = 0; o < Outp; ++o) s[i * Outp + o] = o < Out ? weight(o, i) : 0.0f;
      Backend::gemm(Batch, In, Outp, X, Inp, 1, s, Outp, b_.data(), Z, Outp, false);
    }
    if constexpr (keeps_logits) Backend::template activate_rows_to<Act, Out, Outp>(Z, Y, Batch);
  }

  template <class Backend, std::size_t Batch>
  constexpr void train_backward(train_cache<Batch>& c, const float* X, const float* Y, float* dY, float* dX,
                                float* grad, float* s) const {
    constexpr std::size_t Outp = out_padded;
    float* z = c.z.data();
    if constexpr (std::is_same_v<Act, identity>) {  // dZ = dY
      train_backward_logits<Backend, Batch>(c, X, Y, dY, dX, grad, s);
      return;
    } else if constexpr (Act::elementwise) {
      Backend::template activation_backward<Act>(detail::backward_from_input<Act> ? z : Y, dY, z, Batch * Outp);
    } else {
      for (std::size_t b = 0; b < Batch; ++b) {
        Act::backward(Y + b * Outp, dY + b * Outp, z + b * Outp, Out);
        for (std::size_t o = Out; o < Outp; ++o) z[b * Outp + o] = 0.0f;
      }
    }
    train_backward_logits<Backend, Batch>(c, X, Y, z, dX, grad, s);
  }
  /// Backward from the gradient of the logits (a loss fused with the output
  /// activation, e.g. softmax + cross-entropy, hands it over directly).
  template <class Backend, std::size_t Batch>
  constexpr void train_backward_logits(train_cache<Batch>&, const float* X, const float*, const float* dZ, float* dX,
                                       float* grad, float* s) const {
    constexpr std::size_t Inp = in_padded, Outp = out_padded;
    float* gw = grad;
    float* gb = grad + weight_storage;
    if constexpr (L == layout::broadcast) {
      for (std::size_t ob = 0; ob < Outp; ob += block_width) {
        const std::size_t wb = Outp - ob < block_width ? Outp - ob : block_width;
        Backend::gemm(In, Batch, wb, X, 1, Inp, dZ + ob, Outp, nullptr, gw + ob * In, wb, false);
      }
    } else {
      Backend::gemm(Out, Batch, Inp, dZ, 1, Outp, X, Inp, nullptr, gw, Inp, false);
    }
    Backend::column_sums(Batch, Outp, dZ, Outp, gb);
    if (dX == nullptr) return;
    if constexpr (L == layout::broadcast) {
      for (std::size_t o = 0; o < Out; ++o)
        for (std::size_t i = 0; i < Inp; ++i) s[o * Inp + i] = i < In ? weight(o, i) : 0.0f;
      Backend::gemm(Batch, Out, Inp, dZ, Outp, 1, s, Inp, nullptr, dX, Inp, false);
    } else {
      Backend::gemm(Batch, Out, Inp, dZ, Outp, 1, w_.data(), Inp, nullptr, dX, Inp, false);
    }
  }
  /// The pre-activation output, what a loss calls logits.
  template <std::size_t Batch>
  static constexpr const float* train_logits(const train_cache<Batch>& c, const float*, const float* Y) {
    if constexpr (keeps_logits) {
      return c.z.data();
    } else {
      return Y;
    }
  }

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

// The SIMD kernels (for the TU's static target; ctnn/dynamic.hpp re-includes
// them per target through ctnn/layers/layers-inl.hpp).
#include "ctnn/layers/dense-inl.hpp"  // IWYU pragma: export
