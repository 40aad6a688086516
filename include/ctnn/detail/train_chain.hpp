// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/train_chain.hpp — training a sequence of layers: each layer
// through its own train_forward/train_backward members (the kernels come in
// through the Backend template argument), run over a layer list by
// train_chain with its activations, layer caches and gradient buffers held as
// fixed-size arrays. The trainer runs one chain for the network; a residual
// block runs one for its body. No kernels are included here.
#pragma once
// IWYU pragma: private, include "ctnn/trainer.hpp"

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn::detail {

/// Training operations of a layer type: its members, with the defaults of
/// the optional ones (layers/layer.hpp).
template <class Layer>
struct train_ops {
  template <std::size_t Batch>
  using cache = typename Layer::template train_cache<Batch>;
  template <std::size_t Batch>
  static constexpr std::size_t scratch = Layer::template train_scratch<Batch>;

  template <class Backend, std::size_t Batch>
  static constexpr void forward(const Layer& l, cache<Batch>& c, const float* X, float* Y, float* s) {
    l.template train_forward<Backend, Batch>(c, X, Y, s);
  }
  /// dy_is_dz: dY is the gradient of the layer's logits (a fused loss).
  template <class Backend, std::size_t Batch>
  static constexpr void backward(const Layer& l, cache<Batch>& c, const float* X, const float* Y, float* dY,
                                 float* dX, float* grad, float* s, bool dy_is_dz) {
    if constexpr (requires { l.template train_backward_logits<Backend, Batch>(c, X, Y, dY, dX, grad, s); }) {
      if (dy_is_dz) {
        l.template train_backward_logits<Backend, Batch>(c, X, Y, dY, dX, grad, s);
        return;
      }
    }
    l.template train_backward<Backend, Batch>(c, X, Y, dY, dX, grad, s);
  }
  template <std::size_t Batch>
  static constexpr void commit(Layer& l, cache<Batch>& c) {
    if constexpr (requires { l.train_commit(c); }) l.train_commit(c);
  }
  /// The layer's pre-activation output (what a loss calls logits).
  template <std::size_t Batch>
  static constexpr const float* logits(const cache<Batch>& c, const float* X, const float* Y) {
    if constexpr (requires { Layer::train_logits(c, X, Y); }) {
      return Layer::train_logits(c, X, Y);
    } else {
      return Y;
    }
  }
};

/// A layer list in training: Owner has layer_count, layer_type<I> and
/// layer<I>() (a network or a residual block). Holds each layer's output
/// (Batch rows of its out_padded floats), each layer's cache, and two
/// gradient buffers; parameters' gradients go to the caller's array, laid out
/// as the layers' storages one after the other (param_offset).
template <class Owner, std::size_t Batch>
class train_chain {
  static constexpr std::size_t n = Owner::layer_count;
  template <std::size_t I>
  using layer_t = typename Owner::template layer_type<I>;
  template <std::size_t I>
  using ops = train_ops<layer_t<I>>;
  template <std::size_t... I>
  static constexpr bool trainable(std::index_sequence<I...>) {
    return (trainable_check<layer_t<I>, Batch>::value && ...);
  }
  static_assert(trainable(std::make_index_sequence<Owner::layer_count>{}));

  struct geometry {
    std::array<std::size_t, n + 1> act_offset{};
    std::array<std::size_t, n + 1> param_offset{};
    std::size_t width = 0;    // widest row (input or any output), padded
    std::size_t scratch = 1;  // largest scratch any layer needs
  };
  template <std::size_t... I>
  static constexpr geometry make_geometry(std::index_sequence<I...>) {
    geometry g;
    const std::array<std::size_t, n> width{layer_t<I>::out_padded...};
    const std::array<std::size_t, n> storage{layer_t<I>::parameter_storage...};
    const std::array<std::size_t, n> scratch{ops<I>::template scratch<Batch>...};
    g.width = layer_t<0>::in_padded;
    for (std::size_t i = 0; i < n; ++i) {
      g.act_offset[i + 1] = g.act_offset[i] + Batch * width[i];
      g.param_offset[i + 1] = g.param_offset[i] + storage[i];
      g.width = width[i] > g.width ? width[i] : g.width;
      g.scratch = scratch[i] > g.scratch ? scratch[i] : g.scratch;
    }
    return g;
  }
  static constexpr geometry geo = make_geometry(std::make_index_sequence<n>{});

  template <class Seq>
  struct caches_of;
  template <std::size_t... I>
  struct caches_of<std::index_sequence<I...>> {
    using type = boost::hana::basic_tuple<typename ops<I>::template cache<Batch>...>;
  };

 public:
  /// Floats of gradient storage (the layers' parameter_storage summed).
  static constexpr std::size_t storage = geo.param_offset[n];
  /// Floats of scratch the caller passes to forward/backward.
  static constexpr std::size_t scratch_size = geo.scratch;
  static constexpr std::size_t out_padded = layer_t<n - 1>::out_padded;
  template <std::size_t I>
  static constexpr std::size_t param_offset = geo.param_offset[I];

  /// Batch rows of the last layer's output, and of its logits.
  constexpr const float* output() const { return acts_.data() + geo.act_offset[n - 1]; }
  constexpr const float* logits() const {
    return ops<n - 1>::template logits<Batch>(boost::hana::at_c<n - 1>(caches_), input_of(n - 1, input_), output());
  }
  /// Where the caller writes dL/d(output) before backward() (Batch rows of
  /// out_padded floats, padding zero). backward() overwrites it.
  constexpr float* output_gradient() { return grads_[0].data(); }

  /// X: Batch rows of layer 0's in_padded floats (padding zero).
  template <class Backend>
  constexpr void forward(const Owner& owner, const float* X, float* s) {
    input_ = X;
    forward_layers<Backend>(owner, X, s, std::make_index_sequence<n>{});
  }
  /// From output_gradient(): parameter gradients into grad (storage floats)
  /// and, if dX is not null, dL/dX. dy_is_dz: output_gradient() already is
  /// the gradient of the last layer's logits (a fused loss).
  template <class Backend>
  constexpr void backward(const Owner& owner, const float* X, float* dX, float* grad, float* s, bool dy_is_dz) {
    backward_layers<Backend>(owner, X, dX, grad, s, dy_is_dz, std::make_index_sequence<n>{});
  }
  /// After an accepted step: layers with state updated by training (batch
  /// norm's running statistics) take it from their caches.
  constexpr void commit(Owner& owner) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (ops<I>::template commit<Batch>(owner.template layer<I>(), boost::hana::at_c<I>(caches_)), ...);
    }(std::make_index_sequence<n>{});
  }

 private:
  constexpr const float* input_of(std::size_t i, const float* X) const {
    return i == 0 ? X : acts_.data() + geo.act_offset[i - 1];
  }
  template <class Backend, std::size_t... I>
  constexpr void forward_layers(const Owner& owner, const float* X, float* s, std::index_sequence<I...>) {
    (ops<I>::template forward<Backend, Batch>(owner.template layer<I>(), boost::hana::at_c<I>(caches_),
                                              input_of(I, X), acts_.data() + geo.act_offset[I], s),
     ...);
  }
  template <class Backend, std::size_t... I>
  constexpr void backward_layers(const Owner& owner, const float* X, float* dX, float* grad, float* s, bool dy_is_dz,
                                 std::index_sequence<I...>) {
    // Layer J = n-1-I reads dY from grads_[I % 2] and writes its dX into
    // grads_[(I + 1) % 2], or into the caller's dX for J = 0.
    (backward_one<Backend, n - 1 - I>(owner, X, grads_[I % 2].data(), n - 1 - I == 0 ? dX : grads_[(I + 1) % 2].data(),
                             grad, s, dy_is_dz && I == 0),
     ...);
  }
  template <class Backend, std::size_t J>
  constexpr void backward_one(const Owner& owner, const float* X, float* dY, float* dX, float* grad, float* s,
                              bool dy_is_dz) {
    ops<J>::template backward<Backend, Batch>(owner.template layer<J>(), boost::hana::at_c<J>(caches_),
                                              input_of(J, X), acts_.data() + geo.act_offset[J], dY, dX,
                                              grad + geo.param_offset[J], s, dy_is_dz);
  }

  alignas(alignment) std::array<float, geo.act_offset[n]> acts_{};
  alignas(alignment) std::array<std::array<float, Batch * geo.width>, 2> grads_{};
  typename caches_of<std::make_index_sequence<n>>::type caches_{};
  const float* input_ = nullptr;  // X of the last forward()
};

}  // namespace ctnn::detail
