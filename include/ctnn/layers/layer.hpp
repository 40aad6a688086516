// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/layer.hpp — the layer protocol: what every concrete layer
// provides (dense, activation, batch_norm, dropout and residual follow it
// exactly as a user layer does), the optional pieces and their defaults, and
// the traits generic code reads. Nothing here knows a particular layer.
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"

namespace ctnn {

/// A concrete layer, as built by a spec's `layer<LayerIndex, In>` alias.
///
/// Required (inference):
///   static constexpr std::size_t in_extent, out_extent, in_padded, out_padded;
///   static constexpr bool reads_input_padding;        // true: x is aligned and zero-padded
///   static constexpr std::size_t parameter_count;     // trainable, interchange order
///   static constexpr std::size_t parameter_storage;   // floats of storage, a multiple of pad_floats
///   static constexpr std::size_t storage_index(std::size_t k);  // k-th parameter's offset
///   for_each_parameter(f)        // f(float&) in interchange order (PyTorch's state_dict)
///   for_each_parameter_block(f)  // f(float* p, std::size_t n): the storage in aligned blocks
///   constexpr void forward(const float* x, float* y) const;     // one sample, scalar reference
///                                                               // (and constant-expression path)
/// State (optional; GRU/LSTM hidden state, a causal convolution's history):
///   static constexpr bool is_stateful = true;
///   struct state { ... };        // value-initialised = zeroed (construction, net.reset())
///   constexpr void forward(state& s, const float* x, float* y) const;  // one time step; advances s
/// The state lives beside the parameters, not in the layer: a network holds
/// one per stateful layer, a sequence trainer one per sequence and step.
///
/// Optional, with defaults:
///   buffer_count, for_each_buffer(f)  non-trainable values saved with the model (0, none)
///   initialize(rng&)                  ctnn::initialize (default: parameters untouched)
///   using activation = Act;           the output activation a loss sees (identity)
///   static std::string cpp_spec_name();   the spec's C++ spelling: model files, export_header
///   static std::string short_name();      for ctnn::topology_name ("layer")
///   static constexpr std::string_view header;  the header an exported model includes
///   template <class F> static void for_each_header(F&& f);  several headers (a block)
///   using bf16_type = ...;            bf16_network's twin, built by bf16_type::assign(const L&)
///                                     (default: the layer itself, copied)
/// SIMD forward: overloads of ctnn::HWY_NAMESPACE::LayerForward(SimdTag, const L&, [state&,] x, y),
/// LayerForwardBatch and LayerForwardLogits in the layer's own `-inl.hpp`
/// (see kernels/network-inl.hpp); without them the scalar forward runs.
///
/// Training (optional; the trainer checks it with a message):
///   template <std::size_t Batch> struct train_cache;           // what backward needs
///   template <std::size_t Batch> static constexpr std::size_t train_scratch;
///   template <class Backend, std::size_t Batch>
///   constexpr void train_forward(train_cache<Batch>&, const float* X, float* Y, float* scratch) const;
///   template <class Backend, std::size_t Batch>
///   constexpr void train_backward(train_cache<Batch>&, const float* X, const float* Y, float* dY,
///                                 float* dX, float* grad, float* scratch) const;
///   train_commit(train_cache&)        once a step is accepted (batch norm's running statistics)
/// and, for a layer with an output activation (`using activation`):
///   static const float* train_logits(const train_cache&, X, Y);  pre-activation output (default Y)
///   train_backward_logits(cache, X, Y, dZ, dX, grad, scratch)    backward from dL/dlogits, which a
///                                     loss fused with the activation (softmax + cross-entropy) gives
/// X, Y, dY and dX hold Batch rows of in_padded / out_padded floats (padding
/// lanes zero); dY may be overwritten; dX is null for the first layer; grad
/// receives parameter_storage floats laid out like the storage.
///
/// Training through time (a stateful layer in ctnn::sequence_trainer; a
/// stateless layer trains on the window's Batch·Steps rows with the members
/// above):
///   template <std::size_t Batch, std::size_t Steps> struct train_sequence_cache;
///   template <std::size_t Batch, std::size_t Steps> static constexpr std::size_t train_sequence_scratch;
///   template <class Backend, std::size_t Batch, std::size_t Steps, class States>
///   constexpr void train_forward_sequence(cache&, States&& st, const float* X, float* Y, float* scratch) const;
///   template <class Backend, std::size_t Batch, std::size_t Steps>
///   constexpr void train_backward_sequence(cache&, const float* X, const float* Y, const float* dY,
///                                          float* dX, float* grad, float* scratch) const;
/// Rows are time-major: row t·Batch + b is step t of sequence b (Batch·Steps
/// rows). st(b) is the `state&` of sequence b: read where the window starts,
/// left where it ends. The gradient stops at the window's start (the state
/// it started from is a constant).
namespace detail {

/// A layer with no state: the state type stateless layers get.
struct no_state {};

// (Class templates, not lambdas in variable templates: clang 16 crashes on
// the latter.)
template <class Layer>
struct buffer_count_of {
  static constexpr std::size_t value = 0;
};
template <class Layer>
  requires requires { Layer::buffer_count; }
struct buffer_count_of<Layer> {
  static constexpr std::size_t value = Layer::buffer_count;
};
template <class Layer>
inline constexpr std::size_t buffer_count = buffer_count_of<Layer>::value;

template <class Layer>
struct stateful_of : std::false_type {};
template <class Layer>
  requires requires { { Layer::is_stateful } -> std::convertible_to<bool>; }
struct stateful_of<Layer> : std::bool_constant<Layer::is_stateful> {};
/// Whether a layer declares state (Layer::is_stateful).
template <class Layer>
inline constexpr bool is_stateful = stateful_of<Layer>::value;

template <class Layer, bool = is_stateful<Layer>>
struct state_of {
  using type = no_state;
};
template <class Layer>
struct state_of<Layer, true> {
  using type = typename Layer::state;
};
/// The state a layer keeps between forward calls (no_state if none).
template <class Layer>
using layer_state = typename state_of<Layer>::type;

/// The activation of a layer's output as the loss sees it (identity unless
/// the layer names one).
template <class Layer>
struct output_activation_of {
  using type = identity;
};
template <class Layer>
  requires requires { typename Layer::activation; }
struct output_activation_of<Layer> {
  using type = typename Layer::activation;
};
template <class Layer>
using output_activation = typename output_activation_of<Layer>::type;

/// bf16_network's twin of a layer (the layer itself unless it names one).
template <class Layer>
struct bf16_of {
  using type = Layer;
};
template <class Layer>
  requires requires { typename Layer::bf16_type; }
struct bf16_of<Layer> {
  using type = typename Layer::bf16_type;
};

/// One sample through a layer, scalar: the stateless or the stateful forward.
template <class Layer>
constexpr void layer_forward(const Layer& layer, layer_state<Layer>& s, const float* x, float* y) {
  if constexpr (is_stateful<Layer>) {
    layer.forward(s, x, y);
  } else {
    layer.forward(x, y);
  }
}

/// The parameter visitors of a layer that keeps all its parameters in one
/// aligned array of Derived::parameter_storage floats (parameter_data()),
/// the k-th in interchange order at Derived::storage_index(k): recurrent,
/// conv1d and batch_norm layers derive from it (CRTP).
template <class Derived>
struct one_array_parameters {
  template <class F>
  constexpr void for_each_parameter(F&& f) {
    float* p = self().parameter_data();
    for (std::size_t k = 0; k < Derived::parameter_count; ++k) f(p[Derived::storage_index(k)]);
  }
  template <class F>
  constexpr void for_each_parameter(F&& f) const {
    const float* p = self().parameter_data();
    for (std::size_t k = 0; k < Derived::parameter_count; ++k) f(p[Derived::storage_index(k)]);
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) {
    f(self().parameter_data(), Derived::parameter_storage);
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) const {
    f(self().parameter_data(), Derived::parameter_storage);
  }

 private:
  constexpr Derived& self() noexcept { return static_cast<Derived&>(*this); }
  constexpr const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

/// The requirements of ctnn::Layer, one by one (ctnn::Layer is their
/// conjunction; layer_check asserts each with a message).
template <class L>
struct layer_requirements {
  static constexpr bool has_extents = requires {
    { L::in_extent } -> std::convertible_to<std::size_t>;
    { L::out_extent } -> std::convertible_to<std::size_t>;
    { L::in_padded } -> std::convertible_to<std::size_t>;
    { L::out_padded } -> std::convertible_to<std::size_t>;
  };
  static constexpr bool has_parameters = requires(const L& c) {
    { L::parameter_count } -> std::convertible_to<std::size_t>;
    { L::parameter_storage } -> std::convertible_to<std::size_t>;
    { L::storage_index(std::size_t{}) } -> std::convertible_to<std::size_t>;
    c.for_each_parameter([](const float&) {});
    c.for_each_parameter_block([](const float*, std::size_t) {});
  };
  static constexpr bool has_state = !is_stateful<L> || requires { typename L::state; };
  static constexpr bool has_forward = [] {
    if constexpr (is_stateful<L>) {
      return requires(const L& c, typename L::state& s, const float* x, float* y) { c.forward(s, x, y); };
    } else {
      return requires(const L& c, const float* x, float* y) { c.forward(x, y); };
    }
  }();
  static constexpr bool has_padding_flag = requires { { L::reads_input_padding } -> std::convertible_to<bool>; };
  static constexpr bool storage_padded = [] {
    if constexpr (has_parameters) return L::parameter_storage % pad_floats == 0;
    return true;
  }();
  static constexpr bool value =
      has_extents && has_parameters && has_state && has_forward && has_padding_flag && storage_padded;
};

/// Checks a concrete layer type piece by piece, so that a type missing one
/// requirement of ctnn::Layer is refused with a message naming it. Built-in
/// layers go through the same checks.
template <class L>
struct layer_check : layer_requirements<L> {
  using r = layer_requirements<L>;
  static_assert(r::has_extents, "ctnn layer: the type needs static constexpr std::size_t in_extent, out_extent, "
                                "in_padded and out_padded (padded = ctnn::padded(extent))");
  static_assert(r::has_parameters,
                "ctnn layer: the type needs parameter_count, parameter_storage, storage_index(k), "
                "for_each_parameter(f) and for_each_parameter_block(f) (a layer without parameters: 0, 0, k and "
                "functions that call nothing)");
  static_assert(r::has_state, "ctnn layer: a type with is_stateful = true needs a member type `state` (value-"
                              "initialised = reset)");
  static_assert(r::has_forward, "ctnn layer: the type needs `constexpr void forward(const float* x, float* y) const` "
                                "(one sample; x holds in_padded floats, y receives out_padded floats), or, with "
                                "is_stateful = true, `forward(state& s, const float* x, float* y) const`");
  static_assert(r::has_padding_flag,
                "ctnn layer: the type needs `static constexpr bool reads_input_padding` (true: it gets an aligned, "
                "zero-padded input)");
  static_assert(r::storage_padded,
                "ctnn layer: parameter_storage must be a multiple of ctnn::pad_floats, each block aligned to "
                "ctnn::alignment (the optimizers update whole vectors): pad the parameter array");
};

/// What the trainer needs beyond inference.
template <class L, std::size_t Batch>
struct trainable_check {
  static constexpr bool has_cache = requires { typename L::template train_cache<Batch>; };
  static constexpr bool has_scratch = requires { { L::template train_scratch<Batch> } -> std::convertible_to<std::size_t>; };
  static_assert(has_cache, "ctnn layer: to be trained, the type needs `template <std::size_t Batch> struct train_cache`");
  static_assert(has_scratch,
                "ctnn layer: to be trained, the type needs `template <std::size_t Batch> static constexpr "
                "std::size_t train_scratch`");
  static_assert(!is_stateful<L>,
                "ctnn::trainer: a stateful layer (is_stateful) is trained over sequences, by backpropagation "
                "through time; ctnn::trainer trains networks without state");
  static constexpr bool value = has_cache && has_scratch && !is_stateful<L>;
};

/// The layer's spec as C++ text (model files, export_header); user layers
/// without cpp_spec_name() get a placeholder that no file will match.
template <class L>
std::string spec_cpp_name() {
  if constexpr (requires { { L::cpp_spec_name() } -> std::convertible_to<std::string>; }) {
    return L::cpp_spec_name();
  } else {
    return "<unnamed layer: give it static std::string cpp_spec_name()>";
  }
}

/// The layer in ctnn::topology_name: short_name() or short_name, else "layer".
template <class L>
std::string short_layer_name() {
  if constexpr (requires { { L::short_name() } -> std::convertible_to<std::string>; }) {
    return L::short_name();
  } else if constexpr (requires { { L::short_name } -> std::convertible_to<std::string_view>; }) {
    return std::string(L::short_name);
  } else {
    return "layer";
  }
}

/// f(std::string_view) for each header an exported model must include for L.
template <class L, class F>
void for_each_layer_header(F&& f) {
  if constexpr (requires { L::for_each_header(f); }) {
    L::for_each_header(f);
  } else if constexpr (requires { { L::header } -> std::convertible_to<std::string_view>; }) {
    f(std::string_view(L::header));
  }
}

}  // namespace detail

/// A concrete layer type that satisfies the protocol above (inference part).
template <class L>
concept Layer = detail::layer_requirements<L>::value;

}  // namespace ctnn
