// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/train_chain.hpp — training a sequence of layers: each layer
// through its own train_forward/train_backward members (the kernels come in
// through the Backend template argument), run over a layer list by
// train_chain with its activations, layer caches and gradient buffers held as
// fixed-size arrays. The trainer runs one chain for the network; a residual
// block runs one for its body. With Steps > 0 the chain trains over a window
// of Steps time steps of Batch sequences (backpropagation through time,
// sequence_trainer): rows are time-major (row t·Batch + b), a stateless layer
// sees Batch·Steps independent rows, a stateful one the whole window and the
// states of its Batch sequences. No kernels are included here.
#pragma once
// IWYU pragma: private, include "ctnn/trainer.hpp"

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <concepts>
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

/// No states: what a chain without Steps is given (stateless links never
/// ask for a state).
struct no_states {};

/// What the sequence chain needs of a stateful layer (one message per part).
template <class L, std::size_t Batch, std::size_t Steps>
struct sequence_trainable_check {
  static constexpr bool has_cache = requires { typename L::template train_sequence_cache<Batch, Steps>; };
  static constexpr bool has_scratch = requires {
    { L::template train_sequence_scratch<Batch, Steps> } -> std::convertible_to<std::size_t>;
  };
  static_assert(has_cache && has_scratch,
                "ctnn::sequence_trainer: a stateful layer is trained through time by `template <std::size_t Batch, "
                "std::size_t Steps> struct train_sequence_cache`, `train_sequence_scratch<Batch, Steps>`, "
                "train_forward_sequence and train_backward_sequence (ctnn/layers/layer.hpp); this layer has none");
  static constexpr bool value = has_cache && has_scratch;
};

/// One layer's part in a chain of Batch rows (Steps = 0) or a window of
/// Steps steps of Batch sequences: a stateless layer trains on the window's
/// Batch·Steps rows as one batch; a stateful one (Steps > 0 only) through its
/// sequence members, with st(b) the state of sequence b.
template <class Layer, std::size_t Batch, std::size_t Steps, bool Through = (Steps != 0 && is_stateful<Layer>)>
struct chain_link {
  static constexpr std::size_t rows = Steps == 0 ? Batch : Batch * Steps;
  // First, so that its messages come before the errors of the aliases below
  // (a static data member's initialiser would be instantiated only later).
  static_assert(trainable_check<Layer, rows>::value);
  static constexpr bool trainable = true;
  using ops = train_ops<Layer>;
  using cache = typename ops::template cache<rows>;
  static constexpr std::size_t scratch = ops::template scratch<rows>;
  template <class Backend, class St>
  static constexpr void forward(const Layer& l, cache& c, St&&, const float* X, float* Y, float* s) {
    ops::template forward<Backend, rows>(l, c, X, Y, s);
  }
  template <class Backend>
  static constexpr void backward(const Layer& l, cache& c, const float* X, const float* Y, float* dY, float* dX,
                                 float* grad, float* s, bool dy_is_dz) {
    ops::template backward<Backend, rows>(l, c, X, Y, dY, dX, grad, s, dy_is_dz);
  }
  static constexpr void commit(Layer& l, cache& c) { ops::template commit<rows>(l, c); }
  static constexpr const float* logits(const cache& c, const float* X, const float* Y) {
    return ops::template logits<rows>(c, X, Y);
  }
};
template <class Layer, std::size_t Batch, std::size_t Steps>
struct chain_link<Layer, Batch, Steps, true> {
  static_assert(sequence_trainable_check<Layer, Batch, Steps>::value);
  static constexpr bool trainable = true;
  using cache = typename Layer::template train_sequence_cache<Batch, Steps>;
  static constexpr std::size_t scratch = Layer::template train_sequence_scratch<Batch, Steps>;
  template <class Backend, class St>
  static constexpr void forward(const Layer& l, cache& c, St&& st, const float* X, float* Y, float* s) {
    l.template train_forward_sequence<Backend, Batch, Steps>(c, st, X, Y, s);
  }
  template <class Backend>
  static constexpr void backward(const Layer& l, cache& c, const float* X, const float* Y, float* dY, float* dX,
                                 float* grad, float* s, bool /*dy_is_dz*/) {
    l.template train_backward_sequence<Backend, Batch, Steps>(c, X, Y, dY, dX, grad, s);
  }
  static constexpr void commit(Layer& l, cache& c) {
    if constexpr (requires { l.train_commit(c); }) l.train_commit(c);
  }
  static constexpr const float* logits(const cache&, const float*, const float* Y) { return Y; }
};

/// A layer list in training: Owner has layer_count, layer_type<I> and
/// layer<I>() (a network or a residual block). Holds each layer's output
/// (Batch rows of its out_padded floats), each layer's cache, and two
/// gradient buffers; parameters' gradients go to the caller's array, laid out
/// as the layers' storages one after the other (param_offset).
template <class Owner, std::size_t Batch, std::size_t Steps = 0>
class train_chain {
  static constexpr std::size_t n = Owner::layer_count;
  /// Rows of every activation: Batch, or the window's Batch·Steps.
  static constexpr std::size_t rows = Steps == 0 ? Batch : Batch * Steps;
  template <std::size_t I>
  using layer_t = typename Owner::template layer_type<I>;
  template <std::size_t I>
  using ops = chain_link<layer_t<I>, Batch, Steps>;
  template <std::size_t... I>
  static constexpr bool trainable(std::index_sequence<I...>) {
    return (ops<I>::trainable && ...);
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
    const std::array<std::size_t, n> scratch{ops<I>::scratch...};
    g.width = layer_t<0>::in_padded;
    for (std::size_t i = 0; i < n; ++i) {
      g.act_offset[i + 1] = g.act_offset[i] + rows * width[i];
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
    using type = boost::hana::basic_tuple<typename ops<I>::cache...>;
  };

 public:
  /// Floats of gradient storage (the layers' parameter_storage summed).
  static constexpr std::size_t storage = geo.param_offset[n];
  /// Floats of scratch the caller passes to forward/backward.
  static constexpr std::size_t scratch_size = geo.scratch;
  static constexpr std::size_t out_padded = layer_t<n - 1>::out_padded;
  template <std::size_t I>
  static constexpr std::size_t param_offset = geo.param_offset[I];

  /// The rows of the last layer's output, and of its logits.
  constexpr const float* output() const { return acts_.data() + geo.act_offset[n - 1]; }
  constexpr const float* logits() const {
    return ops<n - 1>::logits(boost::hana::at_c<n - 1>(caches_), input_of(n - 1, input_), output());
  }
  /// Where the caller writes dL/d(output) before backward() (the rows of
  /// out_padded floats, padding zero). backward() overwrites it.
  constexpr float* output_gradient() { return grads_[0].data(); }

  /// X: the rows of layer 0's in_padded floats (padding zero). With Steps,
  /// st(b) is the Owner's state_tuple of sequence b: read at the start of
  /// the window, left at its end.
  template <class Backend, class St = no_states>
  constexpr void forward(const Owner& owner, const float* X, float* s, St&& st = {}) {
    input_ = X;
    forward_layers<Backend>(owner, X, s, st, std::make_index_sequence<n>{});
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
      (ops<I>::commit(owner.template layer<I>(), boost::hana::at_c<I>(caches_)), ...);
    }(std::make_index_sequence<n>{});
  }

 private:
  constexpr const float* input_of(std::size_t i, const float* X) const {
    return i == 0 ? X : acts_.data() + geo.act_offset[i - 1];
  }
  template <class Backend, class St, std::size_t... I>
  constexpr void forward_layers(const Owner& owner, const float* X, float* s, St& st, std::index_sequence<I...>) {
    (ops<I>::template forward<Backend>(owner.template layer<I>(), boost::hana::at_c<I>(caches_),
                                       [&st](auto b) -> auto& { return boost::hana::at_c<I>(st(b)); },
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
    ops<J>::template backward<Backend>(owner.template layer<J>(), boost::hana::at_c<J>(caches_), input_of(J, X),
                                       acts_.data() + geo.act_offset[J], dY, dX, grad + geo.param_offset[J], s,
                                       dy_is_dz);
  }

  alignas(alignment) std::array<float, geo.act_offset[n]> acts_{};
  alignas(alignment) std::array<std::array<float, rows * geo.width>, 2> grads_{};
  typename caches_of<std::make_index_sequence<n>>::type caches_{};
  const float* input_ = nullptr;  // X of the last forward()
};

}  // namespace ctnn::detail
