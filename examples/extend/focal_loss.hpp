// SPDX-License-Identifier: Apache-2.0
// A user-defined loss: focal loss (Lin et al., 2017) on a softmax output,
// FL = −(1 − p_t)^γ · log p_t with γ = 2, mean over the batch. It
// down-weights easy, confidently classified samples. See ctnn::Loss
// (ctnn/losses.hpp) and README "Extending ctnn".
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctnn/activations.hpp>
#include <ctnn/detail/cmath.hpp>
#include <type_traits>

namespace examples {

template <int Gamma = 2>
struct focal_loss {
  static_assert(Gamma >= 1, "examples::focal_loss<Gamma>: Gamma must be at least 1");
  static constexpr bool fused = true;  // gradient w.r.t. the logits z
  template <class Act>
  static constexpr bool accepts_output = std::is_same_v<Act, ctnn::softmax>;
  static constexpr double scale(std::size_t batch, std::size_t /*outputs*/) noexcept { return 1.0 / static_cast<double>(batch); }

  /// One sample with class `label`: returns FL, writes dFL/dz · scale.
  /// With p = softmax(z) (= a) and q = 1 − p_t:
  ///   dFL/dp_t = γ q^(γ−1) log p_t − q^γ / p_t,  dp_t/dz_j = p_t (δ_jt − p_j).
  static constexpr double sample(const float* z, const float* /*a*/, std::size_t n, std::uint32_t label, float* grad,
                                 double scale) noexcept {
    // log-softmax in double from the logits: exact even when p_t underflows.
    double m = z[0];
    for (std::size_t o = 1; o < n; ++o) m = z[o] > m ? z[o] : m;
    double s = 0;
    for (std::size_t o = 0; o < n; ++o) s += ctnn::cmath::exp(z[o] - m);
    const double log_pt = z[label] - m - ctnn::cmath::log(s);
    const double pt = ctnn::cmath::exp(log_pt);
    const double q = 1.0 - pt;
    const double qg1 = ctnn::cmath::powi(q, static_cast<std::size_t>(Gamma - 1));
    // dFL/dz_j = c · (δ_jt − p_j) with c = p_t · dFL/dp_t = γ q^(γ−1) p_t log p_t − q^γ.
    const double c = Gamma * qg1 * pt * log_pt - qg1 * q;
    for (std::size_t o = 0; o < n; ++o) {
      const double p = ctnn::cmath::exp(z[o] - m) / s;
      grad[o] = static_cast<float>(c * ((o == label ? 1.0 : 0.0) - p) * scale);
    }
    return -qg1 * q * log_pt;
  }
};

}  // namespace examples
