// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/layer_list.hpp — the one layer-list core: a network, a
// bf16_network and a residual block's body are each a layer_list. It chains
// specs into concrete layers (each layer's input extent is the previous
// layer's output extent, checked by static_asserts that name the layer
// index), stores the layers in a Hana basic_tuple inside the object, counts
// parameters and buffers, names the state type, and runs the scalar
// reference forward pass. No Highway, no training code.
#pragma once
// IWYU pragma: private, include "ctnn/network.hpp"

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn::detail {

/// extents[0] = input extent, extents[I+1] = output extent of layer I.
template <class... Specs>
constexpr auto chain_extents(std::size_t in) {
  std::array<std::size_t, sizeof...(Specs) + 1> e{in};
  std::size_t i = 0;
  ((e[i + 1] = Specs::out_extent(e[i]), ++i), ...);
  return e;
}

/// A sequence of concrete layers (parameters only; the state of stateful
/// layers is a separate state_tuple, see network). Owners — network,
/// bf16_network, residual_layer — hold one.
template <class... Layers>
class layer_list {
  using tuple = boost::hana::basic_tuple<Layers...>;
  template <std::size_t I>
  using at_t = std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<tuple&>()))>;
  static constexpr std::size_t max_of(std::initializer_list<std::size_t> v) {
    std::size_t m = 0;
    for (std::size_t e : v) m = e > m ? e : m;
    return m;
  }
  using first = at_t<0>;

 public:
  static constexpr std::size_t layer_count = sizeof...(Layers);
  /// The concrete type of layer I (e.g. dense_layer<In, Out, Act, Layout>).
  template <std::size_t I>
  using layer_type = at_t<I>;
  static constexpr std::size_t input_size = first::in_extent;
  static constexpr std::size_t output_size = at_t<layer_count - 1>::out_extent;
  /// Number of trainable parameters (the interchange vector's length).
  static constexpr std::size_t parameter_count = (std::size_t{0} + ... + Layers::parameter_count);
  /// Number of non-trainable values saved with the model (get_buffers).
  static constexpr std::size_t buffer_count = (std::size_t{0} + ... + detail::buffer_count<Layers>);
  /// Largest extent of the input and every layer output.
  static constexpr std::size_t max_extent = max_of({first::in_extent, Layers::out_extent...});
  static constexpr std::size_t max_padded = padded(max_extent);
  static constexpr std::size_t input_padded = padded(input_size);
  /// Whether some layer keeps state between forward calls.
  static constexpr bool is_stateful = (detail::is_stateful<Layers> || ...);
  /// The states of all layers (no_state for stateless ones), in layer order.
  using state_tuple = boost::hana::basic_tuple<layer_state<Layers>...>;

  /// The I-th layer (0-based; the input is not a layer).
  template <std::size_t I>
  constexpr auto& layer() noexcept {
    static_assert(I < layer_count, "ctnn::network::layer<I>: I must be less than layer_count");
    return boost::hana::at_c<I>(layers_);
  }
  template <std::size_t I>
  constexpr const auto& layer() const noexcept {
    static_assert(I < layer_count, "ctnn::network::layer<I>: I must be less than layer_count");
    return boost::hana::at_c<I>(layers_);
  }

  /// Scalar reference forward of one sample with the states `st` (advanced
  /// by stateful layers): x holds input_size floats, y output_size floats.
  /// Two max_padded float arrays of stack.
  constexpr void forward_reference(state_tuple& st, const float* x, float* y) const {
    std::array<float, max_padded> a{}, b{};
    for (std::size_t i = 0; i < input_size; ++i) a[i] = x[i];
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((I % 2 == 0 ? layer_forward(layer<I>(), boost::hana::at_c<I>(st), a.data(), b.data())
                   : layer_forward(layer<I>(), boost::hana::at_c<I>(st), b.data(), a.data())),
       ...);
    }(std::make_index_sequence<layer_count>{});
    const auto& out = layer_count % 2 == 1 ? b : a;
    for (std::size_t o = 0; o < output_size; ++o) y[o] = out[o];
  }

 private:
  tuple layers_{};
};

/// Builds the layer_list of specs on In inputs, with the shape checks.
template <std::size_t In, class Seq, class... Specs>
struct chain_specs;
template <std::size_t In, std::size_t... I, class... Specs>
struct chain_specs<In, std::index_sequence<I...>, Specs...> {
  static constexpr auto extents = chain_extents<Specs...>(In);
  // Shape checks first, so their message is the first error; then each
  // concrete layer against the layer protocol.
  static constexpr bool checked = (Specs::template check<I, extents[I]> && ...) &&
                                  (layer_check<typename Specs::template layer<I, extents[I]>>::value && ...);
  using list = layer_list<typename Specs::template layer<I, extents[I]>...>;
};

/// Calls f(layer) for every layer of a list (or an owner of one) in order.
template <class List, class F>
constexpr void for_each_layer_of(List& list, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(list.template layer<I>()), ...);
  }(std::make_index_sequence<std::remove_cvref_t<List>::layer_count>{});
}

}  // namespace ctnn::detail
