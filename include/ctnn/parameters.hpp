// SPDX-License-Identifier: Apache-2.0
// ctnn/parameters.hpp — parameters in interchange order, the order of a
// PyTorch nn.Sequential state_dict: for each dense layer, weight[out][in]
// row-major, then bias[out]. Whatever the internal layout, these two
// functions are the only conversion, and both are constexpr.
#pragma once

#include <cstddef>
#include <span>
#include <utility>

namespace ctnn {

namespace detail {
template <class Net, class F, std::size_t... I>
constexpr void for_each_layer(Net& net, F&& f, std::index_sequence<I...>) {
  (f(net.template layer<I>()), ...);
}
}  // namespace detail

/// Calls `f(layer)` for every layer of `net` in order (an unrolled pack
/// expansion; `f` is usually a generic lambda).
template <class Net, class F>
constexpr void for_each_layer(Net& net, F&& f) {
  detail::for_each_layer(net, f, std::make_index_sequence<std::remove_cvref_t<Net>::layer_count>{});
}

/// Copies every parameter of `net` into `out` in interchange order.
template <class Net>
constexpr void get_parameters(const Net& net, std::span<float, Net::parameter_count> out) {
  std::size_t k = 0;
  for_each_layer(net, [&](const auto& layer) { layer.for_each_parameter([&](const float& p) { out[k++] = p; }); });
}

/// Sets every parameter of `net` from `in`, given in interchange order.
template <class Net>
constexpr void set_parameters(Net& net, std::span<const float, Net::parameter_count> in) {
  std::size_t k = 0;
  for_each_layer(net, [&](auto& layer) { layer.for_each_parameter([&](float& p) { p = in[k++]; }); });
}

namespace detail {
template <class Layer, class F>
constexpr void for_each_buffer(Layer& layer, F&& f) {
  if constexpr (requires { layer.for_each_buffer(f); }) layer.for_each_buffer(f);
}
}  // namespace detail

/// Copies the non-trainable state of `net` (batch_norm running mean and
/// variance; Net::buffer_count floats, in layer order) into `out`.
template <class Net>
constexpr void get_buffers(const Net& net, std::span<float, Net::buffer_count> out) {
  std::size_t k = 0;
  for_each_layer(net, [&](const auto& layer) { detail::for_each_buffer(layer, [&](const float& p) { out[k++] = p; }); });
}

/// Sets the non-trainable state of `net` from `in` (see get_buffers).
template <class Net>
constexpr void set_buffers(Net& net, std::span<const float, Net::buffer_count> in) {
  std::size_t k = 0;
  for_each_layer(net, [&](auto& layer) { detail::for_each_buffer(layer, [&](float& p) { p = in[k++]; }); });
}

}  // namespace ctnn
