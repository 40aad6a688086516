// SPDX-License-Identifier: Apache-2.0
// ctnn/network.hpp — ctnn::input<N> and ctnn::network<input<N>, Specs...>:
// a multilayer perceptron whose topology is a template parameter pack. The
// specs are chained by a pack expansion (each layer's input extent is the
// previous layer's output extent), checked by static_asserts that name the
// layer index, and stored in a Hana basic_tuple inside the object.
#pragma once

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/kernels/reference.hpp"
#include "ctnn/kernels/static.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn {

/// The input of a network: `N` floats. Always the first network argument.
template <std::size_t N>
struct input {
  static_assert(N > 0, "ctnn::input<N>: a network needs at least one input (N >= 1)");
  static constexpr std::size_t extent = N;
};

namespace detail {
template <class T>
inline constexpr bool is_input = false;
template <std::size_t N>
inline constexpr bool is_input<input<N>> = true;

/// extents[0] = input extent, extents[I+1] = output extent of layer I.
template <class... Specs>
constexpr auto chain_extents(std::size_t in) {
  std::array<std::size_t, sizeof...(Specs) + 1> e{in};
  std::size_t i = 0;
  ((e[i + 1] = Specs::out_extent(e[i]), ++i), ...);
  return e;
}

template <std::size_t Given, std::size_t Expected>
struct forward_input_check {
  static_assert(Given == Expected,
                "ctnn::network::forward: the input extent (Given) must equal the network's input_size (Expected)");
  static constexpr bool value = true;
};
template <std::size_t Given, std::size_t Expected>
struct forward_output_check {
  static_assert(Given == Expected,
                "ctnn::network::forward: the output extent (Given) must equal the network's output_size (Expected)");
  static constexpr bool value = true;
};

/// forward_batch's run-time refusal, with the sizes it got and the ones it needs.
[[noreturn]] inline void throw_batch_mismatch(std::size_t x_size, std::size_t y_size, std::size_t in,
                                              std::size_t out) {
  auto rows = [](std::size_t size, std::size_t width) {
    return std::to_string(size / width) + (size % width != 0 ? " rows + " + std::to_string(size % width) + " floats"
                                                             : std::string(" rows"));
  };
  throw std::invalid_argument("ctnn::network::forward_batch: x holds " + std::to_string(x_size) + " floats (" +
                              rows(x_size, in) + " of input_size " + std::to_string(in) + ") and y " +
                              std::to_string(y_size) + " floats (" + rows(y_size, out) + " of output_size " +
                              std::to_string(out) + "); both must hold whole rows, as many in y as in x");
}

/// Rows of a batch for forward_batch: x holds rows of In floats, y as many
/// rows of Out floats. Static extents are checked at compile time, dynamic
/// ones here (std::invalid_argument).
template <std::size_t In, std::size_t Out, std::size_t M, std::size_t K>
constexpr std::size_t batch_rows(std::size_t x_size, std::size_t y_size) {
  if constexpr (M != std::dynamic_extent && K != std::dynamic_extent) {
    static_assert(M % In == 0, "ctnn::network::forward_batch: the input span must hold whole rows of input_size floats");
    static_assert(K % Out == 0,
                  "ctnn::network::forward_batch: the output span must hold whole rows of output_size floats");
    static_assert(M / In == K / Out,
                  "ctnn::network::forward_batch: input and output spans must hold the same number of rows");
  } else if (x_size % In != 0 || y_size % Out != 0 || x_size / In != y_size / Out) {
    throw_batch_mismatch(x_size, y_size, In, Out);
  }
  return x_size / In;
}

template <class Input, class Seq, class... Specs>
struct network_layers;
template <std::size_t N, std::size_t... I, class... Specs>
struct network_layers<input<N>, std::index_sequence<I...>, Specs...> {
  static constexpr auto extents = chain_extents<Specs...>(input<N>::extent);
  // Shape checks first, so their message is the first error; then each
  // concrete layer against the layer protocol (user-defined layers).
  static constexpr bool checked = (Specs::template check<I, extents[I]> && ...) &&
                                  (layer_check<typename Specs::template layer<I, extents[I]>>::value && ...);
  using tuple = boost::hana::basic_tuple<typename Specs::template layer<I, extents[I]>...>;
};

template <class Input, class... Specs>
struct network_base {
  static_assert(is_input<Input>, "ctnn::network: the first template argument must be ctnn::input<N>");
};
}  // namespace detail

/// A feed-forward network with compile-time topology:
///
///     using Net = ctnn::network<ctnn::input<784>,
///                               ctnn::dense<256, ctnn::relu>,
///                               ctnn::dense<10, ctnn::softmax>>;
///
/// All parameters live inside the object (`sizeof(Net)` is the model; put big
/// networks in static storage or memory you allocate). A default-constructed
/// network has all-zero parameters: call ctnn::initialize() or
/// ctnn::set_parameters(). forward() never allocates; it uses
/// 2·max_padded floats of stack. Example: examples/quickstart.cpp
template <class Input, class... Specs>
class network : detail::network_base<Input, Specs...> {
  static_assert(sizeof...(Specs) > 0, "ctnn::network: a network needs at least one layer after ctnn::input<N>");
  using build = detail::network_layers<Input, std::index_sequence_for<Specs...>, Specs...>;
  static_assert(build::checked);

 public:
  static constexpr std::size_t layer_count = sizeof...(Specs);
  static constexpr std::size_t input_size = build::extents[0];
  static constexpr std::size_t output_size = build::extents[layer_count];

  /// The concrete type of layer I (e.g. dense_layer<In, Out, Act, Layout>).
  template <std::size_t I>
  using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<typename build::tuple&>()))>;

 private:
  template <std::size_t... I>
  static constexpr std::size_t count_parameters(std::index_sequence<I...>) {
    return (std::size_t{0} + ... + layer_type<I>::parameter_count);
  }
  template <std::size_t... I>
  static constexpr std::size_t count_buffers(std::index_sequence<I...>) {
    return (std::size_t{0} + ... + detail::buffer_count<layer_type<I>>);
  }
  static constexpr std::size_t max_of_extents() {
    std::size_t m = 0;
    for (std::size_t e : build::extents) m = e > m ? e : m;
    return m;
  }

 public:
  /// Number of trainable parameters (the interchange vector's length).
  static constexpr std::size_t parameter_count = count_parameters(std::index_sequence_for<Specs...>{});
  /// Number of non-trainable state values saved with the model (batch_norm
  /// running statistics; see get_buffers).
  static constexpr std::size_t buffer_count = count_buffers(std::index_sequence_for<Specs...>{});
  /// Largest extent of the input and every layer output.
  static constexpr std::size_t max_extent = max_of_extents();
  static constexpr std::size_t max_padded = padded(max_extent);
  static constexpr std::size_t input_padded = padded(input_size);

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

  /// Runs the network on one sample. constexpr: in a constant expression the
  /// scalar reference runs; otherwise the Highway kernels for the TU's static
  /// target. The extents are checked at compile time. Never allocates.
  template <std::size_t M, class Target = detail::static_target>
  constexpr std::array<float, output_size> forward(const std::array<float, M>& x) const {
    static_assert(detail::forward_input_check<M, input_size>::value);
    std::array<float, output_size> y{};
    forward_impl<Target>(x.data(), y.data());
    return y;
  }

  /// Span form: writes the output into `y`.
  template <std::size_t M, std::size_t K, class Target = detail::static_target>
  constexpr void forward(std::span<const float, M> x, std::span<float, K> y) const {
    static_assert(M != std::dynamic_extent && K != std::dynamic_extent,
                  "ctnn::network::forward: spans must have static extents (std::span<const float, input_size>)");
    static_assert(detail::forward_input_check<M, input_size>::value);
    static_assert(detail::forward_output_check<K, output_size>::value);
    forward_impl<Target>(x.data(), y.data());
  }

  /// Batched inference: `x` holds rows of input_size floats, `y` receives
  /// rows of output_size floats (same number of rows). Samples go through
  /// the network 16 at a time, so each weight fetched serves several
  /// samples: higher throughput than calling forward() per sample; results
  /// equal forward()'s up to float summation order. Static extents are
  /// checked at compile time; dynamic ones at run time
  /// (std::invalid_argument, nothing written). Never allocates; stack use
  /// 2·16·(largest padded layer width) floats. Example: tools/bench (B rows).
  template <std::size_t M, std::size_t K, class Target = detail::static_target>
  constexpr void forward_batch(std::span<const float, M> x, std::span<float, K> y) const {
    const std::size_t rows = detail::batch_rows<input_size, output_size, M, K>(x.size(), y.size());
    if (std::is_constant_evaluated()) {
      for (std::size_t r = 0; r < rows; ++r) reference::forward(*this, x.data() + r * input_size, y.data() + r * output_size);
    } else {
      HWY_STATIC_DISPATCH(ForwardBatch)(*this, x.data(), rows, y.data());
    }
  }

 private:
  template <class Target>
  constexpr void forward_impl(const float* x, float* y) const {
    if (std::is_constant_evaluated()) {
      reference::forward(*this, x, y);
    } else {
      HWY_STATIC_DISPATCH(ForwardNet)(*this, x, y);
    }
  }

  typename build::tuple layers_{};
};

}  // namespace ctnn
