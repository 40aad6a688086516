// SPDX-License-Identifier: Apache-2.0
// A double-precision reference of network + loss, computed straight from the
// interchange-order parameter vector (no ctnn kernels, no internal layouts).
// Finite differences of it are the ground truth for backpropagation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "ctnn/ctnn.hpp"

namespace ctnn_test {

/// Double-precision twins of user-defined activations and losses, for the
/// finite-difference reference: specialise in the test that needs them.
/// double_activation<A>::apply(double z); double_loss<L>::label(z, label)
/// (a sample's unscaled loss from the logits).
template <class Act>
struct double_activation;
template <class Loss>
struct double_loss;

template <class Act>
void activate_double(std::vector<double>& z) {
  if constexpr (std::is_same_v<Act, ctnn::identity>) {
  } else if constexpr (std::is_same_v<Act, ctnn::relu>) {
    for (auto& v : z) v = v > 0 ? v : 0;
  } else if constexpr (ctnn::detail::is_leaky_relu<Act>) {
    for (auto& v : z) v = v > 0 ? v : v * static_cast<double>(Act::slope);
  } else if constexpr (std::is_same_v<Act, ctnn::sigmoid>) {
    for (auto& v : z) v = 1.0 / (1.0 + std::exp(-v));
  } else if constexpr (std::is_same_v<Act, ctnn::tanh>) {
    for (auto& v : z) v = std::tanh(v);
  } else if constexpr (requires { double_activation<Act>::apply(0.0); }) {
    for (auto& v : z) v = double_activation<Act>::apply(v);
  } else {
    static_assert(std::is_same_v<Act, ctnn::softmax>);
    const double m = *std::max_element(z.begin(), z.end());
    double s = 0;
    for (auto& v : z) s += (v = std::exp(v - m));
    for (auto& v : z) v /= s;
  }
}

/// Layer I of the double forward pass (dense or activation layers):
/// a ← act(W·a + b), z ← W·a + b.
template <class Net, std::size_t I>
void reference_layer(const std::vector<double>& p, std::vector<double>& a, std::vector<double>& z, std::size_t& k) {
  using Lt = typename Net::template layer_type<I>;
  if constexpr (Lt::parameter_count == 0) {  // ctnn::activation<Act>: z = a, a = act(a)
    z = a;
    activate_double<typename Lt::activation>(a);
    return;
  }
  z.assign(Lt::out_extent, 0.0);
  for (std::size_t o = 0; o < Lt::out_extent; ++o) {
    double s = p[k + Lt::in_extent * Lt::out_extent + o];
    for (std::size_t i = 0; i < Lt::in_extent; ++i) s += p[k + o * Lt::in_extent + i] * a[i];
    z[o] = s;
  }
  k += Lt::parameter_count;
  a = z;
  activate_double<typename Lt::activation>(a);
}

template <class Net, std::size_t... I>
void reference_layers(const std::vector<double>& p, std::vector<double>& a, std::vector<double>& z, std::size_t& k,
                      std::index_sequence<I...>) {
  (reference_layer<Net, I>(p, a, z, k), ...);
}

/// Mean loss of `Net` with parameters `p` (interchange order) on a batch.
/// Targets: `t` (B·Out values) or `labels` (B class indices, cross_entropy).
template <class Net, class Loss>
double reference_loss(const std::vector<double>& p, const std::vector<double>& x, std::size_t batch,
                      const std::vector<double>& t, const std::vector<std::uint32_t>& labels) {
  constexpr std::size_t In = Net::input_size, Out = Net::output_size;
  double total = 0;
  for (std::size_t b = 0; b < batch; ++b) {
    std::vector<double> a(x.begin() + static_cast<std::ptrdiff_t>(b * In),
                          x.begin() + static_cast<std::ptrdiff_t>((b + 1) * In));
    std::vector<double> z;
    std::size_t k = 0;
    reference_layers<Net>(p, a, z, k, std::make_index_sequence<Net::layer_count>{});
    // z: logits of the output layer, a: its activations.
    if constexpr (std::is_same_v<Loss, ctnn::mse>) {
      for (std::size_t o = 0; o < Out; ++o) total += (a[o] - t[b * Out + o]) * (a[o] - t[b * Out + o]) / (batch * Out);
    } else if constexpr (std::is_same_v<Loss, ctnn::binary_cross_entropy>) {
      for (std::size_t o = 0; o < Out; ++o) {
        const double v = z[o];
        total += (std::max(v, 0.0) - v * t[b * Out + o] + std::log1p(std::exp(-std::abs(v)))) / (batch * Out);
      }
    } else if constexpr (requires { double_loss<Loss>::label(z, labels[0]); }) {
      total += double_loss<Loss>::label(z, labels[b]) * Loss::scale(batch, Out);
    } else {
      const double m = *std::max_element(z.begin(), z.end());
      double s = 0;
      for (double v : z) s += std::exp(v - m);
      const double lse = m + std::log(s);
      if (!labels.empty()) {
        total += (lse - z[labels[b]]) / batch;
      } else {
        for (std::size_t o = 0; o < Out; ++o) total -= t[b * Out + o] * (z[o] - lse) / batch;
      }
    }
  }
  return total;
}

}  // namespace ctnn_test
