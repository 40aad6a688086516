// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/layer.hpp — what every concrete layer provides (the protocol
// dense, batch_norm, dropout and residual all follow), and the defaults the
// library fills in for optional pieces.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctnn/activations.hpp"

namespace ctnn {

/// A concrete layer, as built by a spec's `layer<LayerIndex, In>` alias.
/// Every layer provides
///   static constexpr std::size_t in_extent, out_extent, in_padded, out_padded;
///   static constexpr std::size_t parameter_count;     // trainable, interchange order
///   static constexpr std::size_t parameter_storage;   // floats of training storage
///   static constexpr std::size_t storage_index(std::size_t k);  // k-th parameter's offset
///   for_each_parameter(f)        // f(float&) in interchange order (PyTorch's)
///   for_each_parameter_block(f)  // f(float* p, std::size_t n): the storage, in blocks
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

}  // namespace detail
}  // namespace ctnn
