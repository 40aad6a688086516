// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/layer.hpp — what every concrete layer provides (the protocol
// dense, batch_norm, dropout and residual all follow), and the defaults the
// library fills in for optional pieces.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"

namespace ctnn {

/// A concrete layer, as built by a spec's `layer<LayerIndex, In>` alias.
/// Every layer provides
///   static constexpr std::size_t in_extent, out_extent, in_padded, out_padded;
///   static constexpr std::size_t parameter_count;     // trainable, interchange order
///   static constexpr std::size_t parameter_storage;   // floats of training storage, a
///                                                     // multiple of pad_floats
///   static constexpr std::size_t storage_index(std::size_t k);  // k-th parameter's offset
///   for_each_parameter(f)        // f(float&) in interchange order (PyTorch's)
///   for_each_parameter_block(f)  // f(float* p, std::size_t n): the storage, in blocks
///                                // (each aligned, n a multiple of pad_floats)
///   constexpr void forward(const float* x, float* y) const;  // one sample (scalar reference);
///                                // dense layers use the kernels instead
/// and, to be trainable,
///   template <std::size_t Batch> struct train_cache;           // what backward needs
///   template <std::size_t Batch> static constexpr std::size_t train_scratch;
///   template <class Backend, std::size_t Batch>
///   constexpr void train_forward(train_cache<Batch>&, const float* X, float* Y, float* scratch) const;
///   template <class Backend, std::size_t Batch>
///   constexpr void train_backward(train_cache<Batch>&, const float* X, const float* Y, float* dY,
///                                 float* dX, float* grad, float* scratch) const;
/// X, Y, dY and dX hold Batch rows of in_padded / out_padded floats (padding
/// lanes zero); dY may be overwritten; dX is null for the first layer of a
/// network; grad receives parameter_storage floats laid out like the storage.
/// Optional: `buffer_count` and for_each_buffer(f) (non-trainable state saved
/// in model files, e.g. running statistics), `train_commit(train_cache&)`
/// (called once a step is accepted), `initialize(rng&)`.
namespace detail {

// (A class template, not a lambda in a variable template: clang 16 crashes
// on the latter.)
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

/// The activation of a layer's output as the loss sees it: dense layers'
/// own, identity for layers without one (batch_norm, residual, dropout).
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

/// Dense-like layers (dense_layer, bf16_layer) run the dense kernels.
template <class Layer>
inline constexpr bool is_dense_like = requires { Layer::weight_layout; };
/// Layers that hold a layer list (residual blocks).
template <class Layer>
inline constexpr bool is_layer_list = requires { Layer::layer_count; };

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
  static constexpr bool has_forward =
      is_dense_like<L> || requires(const L& c, const float* x, float* y) { c.forward(x, y); };
  static constexpr bool has_padding_flag = requires { { L::reads_input_padding } -> std::convertible_to<bool>; };
  static constexpr bool storage_padded = [] {
    if constexpr (has_parameters) return L::parameter_storage % pad_floats == 0;
    return true;
  }();
  static constexpr bool value = has_extents && has_parameters && has_forward && has_padding_flag && storage_padded;
};

/// Checks a concrete layer type piece by piece (for user-defined layers), so
/// that a type missing one requirement of ctnn::Layer is refused with a
/// message naming it. Dense-like layers go through the same checks.
template <class L>
struct layer_check : layer_requirements<L> {
  using r = layer_requirements<L>;
  static_assert(r::has_extents, "ctnn layer: the type needs static constexpr std::size_t in_extent, out_extent, "
                                "in_padded and out_padded (padded = ctnn::padded(extent))");
  static_assert(r::has_parameters,
                "ctnn layer: the type needs parameter_count, parameter_storage, storage_index(k), "
                "for_each_parameter(f) and for_each_parameter_block(f) (a layer without parameters: 0, 0, k and "
                "functions that call nothing)");
  static_assert(r::has_forward, "ctnn layer: the type needs `constexpr void forward(const float* x, float* y) const` "
                                "(one sample; x holds in_padded floats, y receives out_padded floats)");
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
  static_assert(is_dense_like<L> || has_cache,
                "ctnn layer: to be trained, the type needs `template <std::size_t Batch> struct train_cache`");
  static_assert(is_dense_like<L> || has_scratch,
                "ctnn layer: to be trained, the type needs `template <std::size_t Batch> static constexpr "
                "std::size_t train_scratch`");
  static constexpr bool value = is_dense_like<L> || (has_cache && has_scratch);
};

}  // namespace detail

/// A concrete layer type that satisfies the protocol above (inference part).
template <class L>
concept Layer = detail::layer_requirements<L>::value;

}  // namespace ctnn
