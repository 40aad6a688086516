// SPDX-License-Identifier: Apache-2.0
// ctnn/bf16.hpp — reduced-precision inference, opt-in per network:
// ctnn::bf16_network<Net> holds a trained Net's weights as bfloat16 (biases
// and all arithmetic stay fp32). Half the weight bytes: for models whose
// weights stream from L2/L3 (S4, S5) forward() is bandwidth-bound, so
// halving the bytes nearly halves the time.
//
//     static ctnn::bf16_network<Net> fast(net);   // one call converts
//     auto y = fast.forward(x);
//
// Outputs differ from the fp32 network by the weight rounding (≤ 2^-8
// relative per weight); measured on S5 and Fashion-MNIST: see README.
#pragma once

#include <array>
#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include "ctnn/layers/bf16_layer.hpp"
#include "ctnn/network.hpp"

namespace ctnn {

/// Inference-only bf16-weight copy of a network type `Net` (dense layers only). Same input,
/// output and forward() interface; no training, no model files (convert the
/// fp32 network after loading it). Parameters live inside the object.
template <class Net>
class bf16_network {
  template <std::size_t... I>
  static constexpr bool all_dense(std::index_sequence<I...>) {
    return (detail::is_dense_like<typename Net::template layer_type<I>> && ...);
  }
  static_assert(all_dense(std::make_index_sequence<Net::layer_count>{}),
                "ctnn::bf16_network: only networks of dense layers are supported (not batch_norm, residual or "
                "dropout yet)");
  template <class Seq>
  struct build;
  template <std::size_t... I>
  struct build<std::index_sequence<I...>> {
    using tuple = boost::hana::basic_tuple<bf16_layer<typename Net::template layer_type<I>>...>;
  };
  using tuple = typename build<std::make_index_sequence<Net::layer_count>>::tuple;

 public:
  using source = Net;
  static constexpr std::size_t layer_count = Net::layer_count;
  static constexpr std::size_t input_size = Net::input_size;
  static constexpr std::size_t output_size = Net::output_size;
  static constexpr std::size_t parameter_count = Net::parameter_count;
  static constexpr std::size_t max_extent = Net::max_extent;
  static constexpr std::size_t max_padded = Net::max_padded;
  static constexpr std::size_t input_padded = Net::input_padded;
  template <std::size_t I>
  using layer_type = bf16_layer<typename Net::template layer_type<I>>;

  constexpr bf16_network() = default;
  /// Converts `net` (every weight rounded to nearest-even bf16).
  constexpr explicit bf16_network(const Net& net) noexcept { assign(net); }

  /// Converts `net` in place (for objects in static storage).
  constexpr void assign(const Net& net) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer<I>().assign(net.template layer<I>()), ...);
    }(std::make_index_sequence<layer_count>{});
  }

  template <std::size_t I>
  constexpr auto& layer() noexcept {
    static_assert(I < layer_count, "ctnn::bf16_network::layer<I>: I must be less than layer_count");
    return boost::hana::at_c<I>(layers_);
  }
  template <std::size_t I>
  constexpr const auto& layer() const noexcept {
    static_assert(I < layer_count, "ctnn::bf16_network::layer<I>: I must be less than layer_count");
    return boost::hana::at_c<I>(layers_);
  }

  /// As network::forward: one sample; constexpr (scalar reference in a
  /// constant expression); never allocates.
  template <std::size_t M, class Target = detail::static_target>
  constexpr std::array<float, output_size> forward(const std::array<float, M>& x) const {
    static_assert(detail::forward_input_check<M, input_size>::value);
    std::array<float, output_size> y{};
    forward_impl<Target>(x.data(), y.data());
    return y;
  }
  template <std::size_t M, std::size_t K, class Target = detail::static_target>
  constexpr void forward(std::span<const float, M> x, std::span<float, K> y) const {
    static_assert(M != std::dynamic_extent && K != std::dynamic_extent,
                  "ctnn::bf16_network::forward: spans must have static extents");
    static_assert(detail::forward_input_check<M, input_size>::value);
    static_assert(detail::forward_output_check<K, output_size>::value);
    forward_impl<Target>(x.data(), y.data());
  }

 private:
  template <class Target>  // ODR: TUs with different -march instantiate different names
  constexpr void forward_impl(const float* x, float* y) const {
    if (std::is_constant_evaluated()) {
      reference::forward(*this, x, y);
    } else {
      HWY_STATIC_DISPATCH(ForwardNet)(*this, x, y);
    }
  }

  tuple layers_{};
};

}  // namespace ctnn
