// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/reference.hpp — the scalar oracle. Plain constexpr loops over
// the interchange-order view of each layer, accumulating in double. It is the
// compile-time path of network::forward (Highway ops are not constexpr) and
// the reference every SIMD kernel is tested against.
#pragma once
// IWYU pragma: private, include "ctnn/ctnn.hpp"

#include <array>
#include <cstddef>
#include <utility>

#include "ctnn/layers/dense.hpp"

namespace ctnn::reference {

/// y = act(W·x + b) for one dense layer. `x` holds In floats, `y` Out floats.
/// Sums in double, rounds once to float, then applies the activation.
template <std::size_t In, std::size_t Out, class Act, layout L>
constexpr void layer_forward(const dense_layer<In, Out, Act, L>& layer, const float* x, float* y) {
  for (std::size_t o = 0; o < Out; ++o) {
    double s = layer.bias(o);
    for (std::size_t i = 0; i < In; ++i) s += static_cast<double>(layer.weight(o, i)) * x[i];
    if constexpr (Act::elementwise) {
      y[o] = Act::apply(static_cast<float>(s));
    } else {
      y[o] = static_cast<float>(s);
    }
  }
  if constexpr (!Act::elementwise) Act::apply(y, Out);
}

/// Whole-network scalar forward pass: `x` holds Net::input_size floats,
/// `y` Net::output_size floats. Uses two Net::max_extent float arrays of stack.
template <class Net>
constexpr void forward(const Net& net, const float* x, float* y) {
  std::array<float, Net::max_extent> a{}, b{};
  for (std::size_t i = 0; i < Net::input_size; ++i) a[i] = x[i];
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((I % 2 == 0 ? layer_forward(net.template layer<I>(), a.data(), b.data())
                 : layer_forward(net.template layer<I>(), b.data(), a.data())),
     ...);
  }(std::make_index_sequence<Net::layer_count>{});
  const auto& out = Net::layer_count % 2 == 1 ? b : a;
  for (std::size_t o = 0; o < Net::output_size; ++o) y[o] = out[o];
}

}  // namespace ctnn::reference
