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

/// Error-to-signal ratio over a window of sequences, the loss of black-box
/// audio-effect modelling (Wright et al. 2020): with e = y − ŷ,
///   ESR = mean(e²) / (mean(y²) + ε),   ε = 1e-5 (silence stays finite),
/// the means over every sequence, step and output of the window, ŷ the
/// prediction and y the target. With a pre-emphasis coefficient c = Num/Den
/// both signals first pass the first-order high-pass H(z) = 1 − c·z⁻¹ within
/// each sequence (steps 1 … Steps−1 of the window; c = 0.85 in the
/// literature: ctnn::esr_loss<85, 100>). A window loss: it sees the whole
/// window, so only ctnn::sequence_trainer takes it. Gradient w.r.t. ŷ.
template <std::intmax_t Num = 0, std::intmax_t Den = 100>
struct esr_loss {
  static_assert(Den > 0 && Num >= 0 && Num < Den, "ctnn::esr_loss<Num, Den>: the pre-emphasis Num/Den must be in [0, 1)");
  static constexpr bool fused = false;
  template <class Act>
  static constexpr bool accepts_output = true;
  static constexpr double scale(std::size_t, std::size_t) noexcept { return 1.0; }
  static constexpr double pre_emphasis = static_cast<double>(Num) / static_cast<double>(Den);
  static constexpr double epsilon = 1e-5;
  /// y (prediction) and t (target): `batch` sequences of `steps` rows of
  /// `outputs` floats, sequence-major ([b][s][o]). Writes dL/dy, same layout.
  static constexpr double window(const float* y, const float* t, std::size_t batch, std::size_t steps,
                                 std::size_t outputs, float* grad) noexcept {
    constexpr float c = static_cast<float>(pre_emphasis);
    constexpr std::size_t first = Num != 0 ? 1 : 0;
    const std::size_t n = batch * outputs * (steps > first ? steps - first : 0);
    if (n == 0) {
      for (std::size_t i = 0; i < batch * steps * outputs; ++i) grad[i] = 0.0f;
      return 0.0;
    }
    // Pass 1: the filtered difference d = H(y) − H(t) (into grad, in float:
    // the filter's output is what the loss sees) and the sums, in double.
    double err = 0, energy = 0;
    for (std::size_t b = 0; b < batch; ++b)
      for (std::size_t o = 0; o < outputs; ++o) {
        const float* ys = y + b * steps * outputs + o;
        const float* ts = t + b * steps * outputs + o;
        float* gs = grad + b * steps * outputs + o;
        if constexpr (first == 1) gs[0] = 0.0f;
        for (std::size_t s = first; s < steps; ++s) {
          const std::size_t i = s * outputs;
          const double et = first ? ts[i] - pre_emphasis * ts[i - outputs] : ts[i];
          const double ey = first ? ys[i] - pre_emphasis * ys[i - outputs] : ys[i];
          err += (ey - et) * (ey - et);
          energy += et * et;
          gs[i] = static_cast<float>(ey - et);
        }
      }
    const double den = energy / static_cast<double>(n) + epsilon;
    // Pass 2: dL/dH(y)[s] = k·d[s]; the filter's transpose gives
    // dL/dy[s] = k·(d[s] − c·d[s+1]) (d[0] = 0 with pre-emphasis).
    const float k = static_cast<float>(2.0 / (static_cast<double>(n) * den));
    for (std::size_t b = 0; b < batch; ++b)
      for (std::size_t o = 0; o < outputs; ++o) {
        float* gs = grad + b * steps * outputs + o;
        for (std::size_t s = 0; s < steps; ++s) {
          const float next = first && s + 1 < steps ? gs[(s + 1) * outputs] : 0.0f;
          gs[s * outputs] = k * (gs[s * outputs] - c * next);
        }
      }
    return err / static_cast<double>(n) / den;
  }
};
/// Plain error-to-signal ratio, no pre-emphasis.
using esr = esr_loss<>;

namespace detail {
/// A window loss: the whole window of sequences at once (ctnn::esr_loss).
template <class L>
concept loss_takes_windows = requires(const float* y, const float* t, float* g, std::size_t n) {
  { L::window(y, t, n, n, n, g) } -> std::convertible_to<double>;
};
template <class L>
concept loss_takes_targets = requires(const float* z, const float* a, const float* t, float* g, std::size_t n) {
  { L::sample(z, a, n, t, g, 1.0) } -> std::convertible_to<double>;
};
template <class L>
concept loss_takes_labels = requires(const float* z, const float* a, float* g, std::uint32_t label, std::size_t n) {
  { L::sample(z, a, n, label, g, 1.0) } -> std::convertible_to<double>;
};
}  // namespace detail

/// A loss: the extension point for user-defined losses (README "Extending
/// ctnn", examples/custom_loss.cpp). A type L provides
///   static constexpr bool fused;       // gradient w.r.t. the logits z (true)
///                                      // or the output activations a (false)
///   template <class Act> static constexpr bool accepts_output;  // output activations it fits
///   static constexpr double scale(std::size_t batch, std::size_t outputs);  // reduction, e.g. 1/batch
/// and at least one of
///   // probability / regression targets t[0, n):
///   static constexpr double sample(const float* z, const float* a, std::size_t n,
///                                  const float* t, float* grad, double scale);
///   // a class-index target:
///   static constexpr double sample(const float* z, const float* a, std::size_t n,
///                                  std::uint32_t label, float* grad, double scale);
/// `sample` returns the sample's unscaled loss and writes its gradient
/// already multiplied by `scale`. The trainer reports Σ sample · scale.
/// A loss over sequences (ctnn::sequence_trainer only) may instead see the
/// whole window, as ctnn::esr_loss does:
///   static constexpr double window(const float* y, const float* t, std::size_t batch,
///                                  std::size_t steps, std::size_t outputs, float* grad);
/// y, t and grad sequence-major ([b][s][o]); it returns the window's loss and
/// writes dL/dy (not fused).
template <class L>
concept Loss = requires {
  { L::fused } -> std::convertible_to<bool>;
  { L::scale(std::size_t{1}, std::size_t{1}) } -> std::convertible_to<double>;
  { L::template accepts_output<identity> } -> std::convertible_to<bool>;
} && (detail::loss_takes_targets<L> || detail::loss_takes_labels<L> || detail::loss_takes_windows<L>);

namespace detail {
/// Checks a loss type piece by piece (a message per missing requirement).
template <class L>
struct loss_check {
  static constexpr bool has_fused = requires { { L::fused } -> std::convertible_to<bool>; };
  static constexpr bool has_scale = requires { { L::scale(std::size_t{1}, std::size_t{1}) } -> std::convertible_to<double>; };
  static constexpr bool has_accepts = requires { { L::template accepts_output<identity> } -> std::convertible_to<bool>; };
  static constexpr bool has_sample = loss_takes_targets<L> || loss_takes_labels<L> || loss_takes_windows<L>;
  static_assert(has_fused, "ctnn loss: the type needs `static constexpr bool fused` (gradient w.r.t. logits or outputs)");
  static_assert(has_scale, "ctnn loss: the type needs `static constexpr double scale(std::size_t batch, std::size_t outputs)`");
  static_assert(has_accepts,
                "ctnn loss: the type needs `template <class Act> static constexpr bool accepts_output` (which output "
                "activations it fits)");
  static_assert(has_sample,
                "ctnn loss: the type needs `static constexpr double sample(const float* z, const float* a, std::size_t n, "
                "const float* target, float* grad, double scale)` or the same with `std::uint32_t label`");
  static constexpr bool value = has_fused && has_scale && has_accepts && has_sample;
};
}  // namespace detail

}  // namespace ctnn
