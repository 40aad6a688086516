// SPDX-License-Identifier: Apache-2.0
// ctnn/bf16.hpp — reduced-precision inference, opt-in per network:
// ctnn::bf16_network<Net> holds a trained Net's dense weights as bfloat16
// (biases and all arithmetic stay fp32). Half the weight bytes: for models
// whose weights stream from L2/L3 (S4, S5) forward() is bandwidth-bound, so
// halving the bytes nearly halves the time.
//
//     static ctnn::bf16_network<Net> fast(net);   // one call converts
//     auto y = fast.forward(x);
//
// Outputs differ from the fp32 network by the weight rounding (≤ 2^-8
// relative per weight); measured on S5 and Fashion-MNIST: see README.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "ctnn/detail/layer_list.hpp"
#include "ctnn/layers/bf16_layer-inl.hpp"
#include "ctnn/layers/bf16_layer.hpp"
#include "ctnn/network.hpp"

namespace ctnn {

namespace detail {
template <class Net, class Seq>
struct bf16_list;
template <class Net, std::size_t... I>
struct bf16_list<Net, std::index_sequence<I...>> {
  using type = layer_list<typename bf16_of<typename Net::template layer_type<I>>::type...>;
};
}  // namespace detail

/// Inference-only copy of a network type `Net` in which every layer that
/// names a bf16 twin (`bf16_type`: dense layers) holds bf16 weights; the
/// other layers (batch_norm, dropout, activation, user layers) are kept as
/// they are, in fp32. The same network surface as Net (forward,
/// forward_batch, reset for stateful nets); no training, no model files
/// (convert the fp32 network after loading it). Parameters live inside the
/// object.
template <class Net>
class bf16_network
    : public detail::network_core<typename detail::bf16_list<Net, std::make_index_sequence<Net::layer_count>>::type> {
  using list = typename detail::bf16_list<Net, std::make_index_sequence<Net::layer_count>>::type;

 public:
  using source = Net;

  constexpr bf16_network() = default;
  /// Converts `net` (every bf16 weight rounded to nearest even).
  constexpr explicit bf16_network(const Net& net) noexcept { assign(net); }

  /// Converts `net` in place (for objects in static storage).
  constexpr void assign(const Net& net) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (convert(this->template layer<I>(), net.template layer<I>()), ...);
    }(std::make_index_sequence<Net::layer_count>{});
  }

 private:
  template <class To, class From>
  static constexpr void convert(To& to, const From& from) noexcept {
    if constexpr (std::is_same_v<To, From>) {
      to = from;
    } else {
      to.assign(from);
    }
  }
};

}  // namespace ctnn
