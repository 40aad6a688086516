// SPDX-License-Identifier: Apache-2.0
// ctnn/losses.hpp — mse, binary_cross_entropy, cross_entropy. Each loss works
// per sample on the output layer's logits z and activations a, returns the
// sample's loss (in double) and writes its gradient, already scaled for the
// mean reduction, either w.r.t. z (fused losses) or w.r.t. a. Reductions are
// PyTorch's defaults: mean over all elements for mse and binary_cross_entropy,
// mean over the batch for cross_entropy. constexpr throughout.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/detail/cmath.hpp"

namespace ctnn {

/// Mean squared error, mean over batch × outputs (torch.nn.MSELoss()).
/// Works with any output activation. Targets: B·Out floats, row-major.
struct mse {
  static constexpr bool fused = false;  // gradient w.r.t. the activation
  template <class Act>
  static constexpr bool accepts_output = true;
  static constexpr double scale(std::size_t batch, std::size_t out) noexcept {
    return 1.0 / static_cast<double>(batch * out);
  }
  static constexpr double sample(const float* /*z*/, const float* a, std::size_t n, const float* t, float* grad,
                                 double scale) noexcept {
    double l = 0;
    for (std::size_t o = 0; o < n; ++o) {
      const double d = static_cast<double>(a[o]) - t[o];
      l += d * d;
      grad[o] = static_cast<float>(2.0 * d * scale);
    }
    return l;
  }
};

/// Binary cross-entropy on a sigmoid output, fused with it and computed from
/// the logit z: max(z,0) − z·t + log(1 + e^−|z|), never log(0)
/// (torch.nn.BCEWithLogitsLoss()). Mean over batch × outputs. Targets: B·Out
/// floats in [0, 1].
struct binary_cross_entropy {
  static constexpr bool fused = true;  // gradient w.r.t. the logit: σ(z) − t
  template <class Act>
  static constexpr bool accepts_output = std::is_same_v<Act, sigmoid>;
  static constexpr double scale(std::size_t batch, std::size_t out) noexcept {
    return 1.0 / static_cast<double>(batch * out);
  }
  static constexpr double sample(const float* z, const float* a, std::size_t n, const float* t, float* grad,
                                 double scale) noexcept {
    double l = 0;
    for (std::size_t o = 0; o < n; ++o) {
      const double x = z[o];
      const double ax = x < 0 ? -x : x;
      l += (x > 0 ? x : 0.0) - x * t[o] + detail::log_rt(1.0 + detail::exp_rt(-ax));
      grad[o] = static_cast<float>((static_cast<double>(a[o]) - t[o]) * scale);
    }
    return l;
  }
};

/// Cross-entropy on a softmax output, fused with it: −Σ t·log_softmax(z)
/// computed from the logits (torch.nn.CrossEntropyLoss() on the pre-softmax
/// layer). Mean over the batch. Targets: B class indices (std::uint32_t), or
/// B·Out probabilities (one-hot or soft labels).
struct cross_entropy {
  static constexpr bool fused = true;  // gradient w.r.t. the logits: p − t
  template <class Act>
  static constexpr bool accepts_output = std::is_same_v<Act, softmax>;
  static constexpr double scale(std::size_t batch, std::size_t /*out*/) noexcept {
    return 1.0 / static_cast<double>(batch);
  }
  /// log Σ e^z, overflow-safe.
  static constexpr double log_sum_exp(const float* z, std::size_t n) noexcept {
    float m = z[0];
    for (std::size_t o = 1; o < n; ++o) m = z[o] > m ? z[o] : m;
    double s = 0;
    for (std::size_t o = 0; o < n; ++o) s += detail::exp_rt(static_cast<double>(z[o]) - m);
    return m + detail::log_rt(s);
  }
  /// Probability targets.
  static constexpr double sample(const float* z, const float* a, std::size_t n, const float* t, float* grad,
                                 double scale) noexcept {
    const double lse = log_sum_exp(z, n);
    double l = 0;
    for (std::size_t o = 0; o < n; ++o) {
      if (t[o] != 0.0f) l -= t[o] * (z[o] - lse);
      grad[o] = static_cast<float>((static_cast<double>(a[o]) - t[o]) * scale);
    }
    return l;
  }
  /// Class-index target (must be < n; checked by the trainer).
  static constexpr double sample(const float* z, const float* a, std::size_t n, std::uint32_t label, float* grad,
                                 double scale) noexcept {
    for (std::size_t o = 0; o < n; ++o) grad[o] = static_cast<float>(static_cast<double>(a[o]) * scale);
    grad[label] = static_cast<float>((static_cast<double>(a[label]) - 1.0) * scale);
    return log_sum_exp(z, n) - z[label];
  }
};

/// A loss: per-sample value and gradient, a reduction scale, whether the
/// gradient is w.r.t. the logits (fused with the output activation) and
/// which output activations it accepts.
template <class L>
concept Loss = requires(const float* z, const float* a, const float* t, float* g) {
  { L::fused } -> std::convertible_to<bool>;
  { L::scale(std::size_t{1}, std::size_t{1}) } -> std::convertible_to<double>;
  { L::sample(z, a, std::size_t{1}, t, g, 1.0) } -> std::convertible_to<double>;
};

}  // namespace ctnn
