// SPDX-License-Identifier: Apache-2.0
// ctnn/network.hpp — ctnn::input<N> and ctnn::network<input<N>, Specs...>:
// a network whose topology is a template parameter pack. The specs are
// chained into a layer list (detail/layer_list.hpp: each layer's input extent
// is the previous layer's output extent, checked by static_asserts that name
// the layer index); network_core adds the state of stateful layers and the
// forward entry points, shared with bf16_network.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/detail/layer_list.hpp"
#include "ctnn/kernels/static.hpp"
#include "ctnn/layers/layer.hpp"
// ctnn::dense comes with the network (almost every network has one, and
// headers written by export_header before each layer named its own header
// rely on it). Other layers: their own header, or ctnn/ctnn.hpp.
#include "ctnn/layers/dense.hpp"  // IWYU pragma: export

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
  throw std::invalid_argument("ctnn::network::forward_batch/forward_sequence: x holds " + std::to_string(x_size) + " floats (" +
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
    static_assert(M % In == 0, "ctnn::network::forward_batch/forward_sequence: the input span must hold whole rows of input_size floats");
    static_assert(K % Out == 0,
                  "ctnn::network::forward_batch/forward_sequence: the output span must hold whole rows of output_size floats");
    static_assert(M / In == K / Out,
                  "ctnn::network::forward_batch/forward_sequence: input and output spans must hold the same number of rows");
  } else if (x_size % In != 0 || y_size % Out != 0 || x_size / In != y_size / Out) {
    throw_batch_mismatch(x_size, y_size, In, Out);
  }
  return x_size / In;
}

template <class Input, class... Specs>
struct network_base {
  static_assert(is_input<Input>, "ctnn::network: the first template argument must be ctnn::input<N>");
  static_assert(sizeof...(Specs) > 0, "ctnn::network: a network needs at least one layer after ctnn::input<N>");
};
/// A stand-in layer list for an ill-formed network (no input<N>, no
/// layers), so that network_base's message is the error the user sees.
struct placeholder_layer {
  static constexpr std::size_t in_extent = 1, out_extent = 1, in_padded = pad_floats, out_padded = pad_floats;
  static constexpr bool reads_input_padding = false;
  static constexpr std::size_t parameter_count = 0, parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) noexcept { return k; }
  template <class F>
  constexpr void for_each_parameter(F&&) const noexcept {}
  template <class F>
  constexpr void for_each_parameter_block(F&&) const noexcept {}
  constexpr void forward(const float*, float* y) const noexcept { y[0] = 0.0f; }
};
/// The layer list of network<Input, Specs...>; the shape checks run first.
template <class Input, class... Specs>
struct network_list {
  using type = layer_list<placeholder_layer>;
};
template <std::size_t N, class Spec, class... Specs>
struct network_list<input<N>, Spec, Specs...> {
  using build = chain_specs<input<N>::extent, std::index_sequence_for<Spec, Specs...>, Spec, Specs...>;
  using type = std::conditional_t<build::checked, typename build::list, typename build::list>;
};

/// The checks of a forward call's extents (static: at compile time).
/// (Dynamic: the call is ctnn::dynamic::forward, named in the message.)
template <class Net, std::size_t M, std::size_t K, bool Dynamic = false>
constexpr void check_forward_extents() {
  static_assert(Dynamic || (M != std::dynamic_extent && K != std::dynamic_extent),
                "ctnn::network::forward: spans must have static extents (std::span<const float, input_size>)");
  static_assert(!Dynamic || (M != std::dynamic_extent && K != std::dynamic_extent),
                "ctnn::dynamic::forward: spans must have static extents (std::span<const float, input_size>)");
  static_assert(forward_input_check<M, Net::input_size>::value);
  static_assert(forward_output_check<K, Net::output_size>::value);
}

/// The surface every network type shares — network, bf16_network: the
/// layer list, the states of stateful layers, and the forward entry points
/// with their extent checks. A stateless list has a const (and constexpr)
/// forward; a stateful one a non-const forward (one call = one time step)
/// and reset().
template <class List>
class network_core : public List {
 public:
  using list_type = List;
  using state_type = typename List::state_tuple;
  using List::input_size;
  using List::is_stateful;
  using List::output_size;

  /// Runs the network on one sample. constexpr: in a constant expression the
  /// scalar reference runs; otherwise the Highway kernels for the TU's static
  /// target. The extents are checked at compile time. Never allocates.
  /// A stateful network: one time step (its state advances; see reset()).
  template <std::size_t M, class Target = static_target>
    requires(!List::is_stateful)
  constexpr std::array<float, output_size> forward(const std::array<float, M>& x) const {
    static_assert(forward_input_check<M, input_size>::value);
    std::array<float, output_size> y{};
    state_type none{};
    run<Target>(none, x.data(), y.data());
    return y;
  }
  template <std::size_t M, class Target = static_target>
    requires(List::is_stateful)
  constexpr std::array<float, output_size> forward(const std::array<float, M>& x) {
    static_assert(forward_input_check<M, input_size>::value);
    std::array<float, output_size> y{};
    run<Target>(states_, x.data(), y.data());
    return y;
  }

  /// Span form: writes the output into `y`.
  template <std::size_t M, std::size_t K, class Target = static_target>
    requires(!List::is_stateful)
  constexpr void forward(std::span<const float, M> x, std::span<float, K> y) const {
    check_forward_extents<List, M, K>();
    state_type none{};
    run<Target>(none, x.data(), y.data());
  }
  template <std::size_t M, std::size_t K, class Target = static_target>
    requires(List::is_stateful)
  constexpr void forward(std::span<const float, M> x, std::span<float, K> y) {
    check_forward_extents<List, M, K>();
    run<Target>(states_, x.data(), y.data());
  }

  /// Batched inference: `x` holds rows of input_size floats, `y` receives
  /// rows of output_size floats (same number of rows). Samples go through
  /// the network 16 at a time, so each weight fetched serves several
  /// samples: higher throughput than calling forward() per sample; results
  /// equal forward()'s up to float summation order. Static extents are
  /// checked at compile time; dynamic ones at run time
  /// (std::invalid_argument, nothing written). Never allocates; stack use
  /// 2·16·(largest padded layer width) floats. Example: tools/bench (B rows).
  template <std::size_t M, std::size_t K, class Target = static_target>
  constexpr void forward_batch(std::span<const float, M> x, std::span<float, K> y) const {
    static_assert(batch_check<>::value);
    const std::size_t rows = batch_rows<input_size, output_size, M, K>(x.size(), y.size());
    if (std::is_constant_evaluated()) {
      state_type none{};
      for (std::size_t r = 0; r < rows; ++r)
        List::forward_reference(none, x.data() + r * input_size, y.data() + r * output_size);
    } else {
      HWY_STATIC_DISPATCH(ForwardBatch)(static_cast<const List&>(*this), x.data(), rows, y.data());
    }
  }

  /// forward_batch's check, written once for both overloads.
  template <class = void>
  struct batch_check {
    static_assert(!List::is_stateful,
                  "ctnn::network::forward_batch: the rows of a batch are independent samples, but this network "
                  "keeps state between calls; call forward() once per time step");
    static constexpr bool value = true;
  };

  /// T time steps in one call: x holds T rows of input_size floats (one per
  /// step, oldest first), y receives T rows of output_size floats — what T
  /// forward() calls give, bit for bit, the state advanced by T steps (T =
  /// M / input_size, static or dynamic; extents checked as forward_batch's).
  /// GRU/LSTM with > 28 KB of weights project the inputs of many steps by one
  /// GEMM and Conv1D computes its taps over the block (faster); the rest,
  /// small recurrent cells included, runs step by step (as fast). Never
  /// allocates; about 32 KB of stack plus the layers' chunk buffers.
  /// Example: examples/streaming.cpp
  template <std::size_t M, std::size_t K, class Target = static_target>
  constexpr void forward_sequence(std::span<const float, M> x, std::span<float, K> y) {
    const std::size_t rows = batch_rows<input_size, output_size, M, K>(x.size(), y.size());
    if (std::is_constant_evaluated()) {
      for (std::size_t r = 0; r < rows; ++r)
        List::forward_reference(states_, x.data() + r * input_size, y.data() + r * output_size);
    } else {
      HWY_STATIC_DISPATCH(ForwardSequence)(static_cast<const List&>(*this), states_, x.data(), rows, y.data());
    }
  }

  /// Rows in a batch of x_size input and y_size output floats; throws
  /// std::invalid_argument unless both hold whole rows, as many in y as in x.
  static constexpr std::size_t batch_rows_of(std::size_t x_size, std::size_t y_size) {
    return detail::batch_rows<input_size, output_size, std::dynamic_extent, std::dynamic_extent>(x_size, y_size);
  }

  /// forward_batch with the rows split over a ctnn::thread_pool
  /// (ctnn/threads.hpp): each thread runs whole tiles of 16 rows, the tiles
  /// a one-thread call would run, so y is bit-identical for every pool size.
  /// No heap allocation.
  template <std::size_t M, std::size_t K, class Pool>
    requires requires(Pool& p) {
      p.run([](unsigned) {});
      { p.size() } -> std::convertible_to<unsigned>;
    }
  void forward_batch(std::span<const float, M> x, std::span<float, K> y, Pool& pool) const {
    static_assert(batch_check<>::value);
    const std::size_t rows = batch_rows<input_size, output_size, M, K>(x.size(), y.size());
    constexpr std::size_t tile = ctnn::HWY_NAMESPACE::kBatchTile;
    const std::size_t tiles = (rows + tile - 1) / tile;
    const unsigned n = pool.size();
    pool.run([&](unsigned t) {
      const std::size_t r0 = tiles * t / n * tile;
      const std::size_t r1 = std::min(rows, tiles * (t + 1) / n * tile);
      if (r1 > r0)
        HWY_STATIC_DISPATCH(ForwardBatch)(static_cast<const List&>(*this), x.data() + r0 * input_size, r1 - r0,
                                          y.data() + r0 * output_size);
    });
  }

  /// Zeroes the state of every stateful layer (a new sequence starts). A
  /// stateless network has nothing to reset.
  constexpr void reset() noexcept { states_ = state_type{}; }
  /// The states of the layers (no_state for stateless ones), in layer order.
  constexpr state_type& states() noexcept { return states_; }
  constexpr const state_type& states() const noexcept { return states_; }

 private:
  template <class Target>  // ODR: TUs with different -march instantiate different names
  constexpr void run(state_type& st, const float* x, float* y) const {
    if (std::is_constant_evaluated()) {
      List::forward_reference(st, x, y);
    } else {
      HWY_STATIC_DISPATCH(ForwardNet)(static_cast<const List&>(*this), st, x, y);
    }
  }

  [[no_unique_address]] state_type states_{};
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
/// 2·max_padded floats of stack. A network with a stateful layer
/// (`Net::is_stateful`: recurrent layers, causal convolutions) runs one time
/// step per forward() call and has reset(). Example: examples/quickstart.cpp
template <class Input, class... Specs>
class network : detail::network_base<Input, Specs...>,
                public detail::network_core<typename detail::network_list<Input, Specs...>::type> {};

}  // namespace ctnn
