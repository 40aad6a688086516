// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/batch_norm.hpp — ctnn::batch_norm<>: batch normalisation of
// each feature, PyTorch's nn.BatchNorm1d (affine, track_running_stats).
// Kernels: batch_norm-inl.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ctnn/config.hpp"
#include "ctnn/detail/cmath.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn {

/// Batch normalisation over C features (see ctnn::batch_norm).
///
/// Training (trainer): each feature is normalised with the batch mean and
/// biased variance, x̂ = (x − μ_B)/√(σ²_B + ε), y = γ·x̂ + β; once a step is
/// accepted the running statistics move by `momentum`:
/// r ← (1 − m)·r + m·s, with the unbiased batch variance for r_var (as
/// PyTorch). Inference (forward): the per-feature affine
/// y = x·s + t, s = γ/√(r_var + ε), t = β − r_mean·s.
/// Parameters (interchange order): γ[C], β[C]; buffers: r_mean[C], r_var[C]
/// — PyTorch's weight, bias, running_mean, running_var.
template <std::size_t C, std::intmax_t MomentumNum, std::intmax_t MomentumDen, int EpsilonExp>
class batch_norm_layer
    : public detail::one_array_parameters<batch_norm_layer<C, MomentumNum, MomentumDen, EpsilonExp>> {
 public:
  static constexpr std::size_t in_extent = C;
  static constexpr std::size_t out_extent = C;
  static constexpr std::size_t in_padded = padded(C);
  static constexpr std::size_t out_padded = padded(C);
  static constexpr float momentum = static_cast<float>(static_cast<double>(MomentumNum) / MomentumDen);
  static constexpr double epsilon = 1.0 / detail::powi(10.0, EpsilonExp);
  static constexpr bool reads_input_padding = true;  // needs an aligned, zero-padded input

  static constexpr std::size_t parameter_count = 2 * C;
  static constexpr std::size_t parameter_storage = 2 * out_padded;
  static constexpr std::size_t buffer_count = 2 * C;
  static constexpr std::size_t storage_index(std::size_t k) noexcept { return k < C ? k : out_padded + (k - C); }

  static std::string cpp_spec_name() {
    return "ctnn::batch_norm<" + std::to_string(MomentumNum) + ", " + std::to_string(MomentumDen) + ", " +
           std::to_string(EpsilonExp) + ">";
  }
  static std::string short_name() { return "bn"; }  // in ctnn::topology_name
  static constexpr std::string_view header = "ctnn/layers/batch_norm.hpp";

  constexpr batch_norm_layer() noexcept {
    for (std::size_t c = 0; c < C; ++c) {
      p_[c] = 1.0f;       // γ
      buf_[out_padded + c] = 1.0f;  // running variance
    }
  }

  constexpr float& gamma(std::size_t c) noexcept { return p_[c]; }
  constexpr float gamma(std::size_t c) const noexcept { return p_[c]; }
  constexpr float& beta(std::size_t c) noexcept { return p_[out_padded + c]; }
  constexpr float beta(std::size_t c) const noexcept { return p_[out_padded + c]; }
  constexpr float& running_mean(std::size_t c) noexcept { return buf_[c]; }
  constexpr float running_mean(std::size_t c) const noexcept { return buf_[c]; }
  constexpr float& running_var(std::size_t c) noexcept { return buf_[out_padded + c]; }
  constexpr float running_var(std::size_t c) const noexcept { return buf_[out_padded + c]; }
  /// Raw arrays for the kernels: γ then β, r_mean then r_var (out_padded each).
  constexpr float* parameter_data() noexcept { return p_.data(); }
  constexpr const float* parameter_data() const noexcept { return p_.data(); }
  constexpr const float* buffer_data() const noexcept { return buf_.data(); }

  template <class F>
  constexpr void for_each_buffer(F&& f) {
    for (std::size_t k = 0; k < buffer_count; ++k) f(buf_[storage_index(k)]);
  }
  template <class F>
  constexpr void for_each_buffer(F&& f) const {
    for (std::size_t k = 0; k < buffer_count; ++k) f(buf_[storage_index(k)]);
  }

  /// γ = 1, β = 0, running mean 0, running variance 1 (PyTorch's reset).
  template <class Rng>
  constexpr void initialize(Rng&) noexcept {
    *this = batch_norm_layer{};
  }

  /// Inference on one sample (the scalar reference; the kernels do the same
  /// in float): y[C, out_padded) = 0.
  constexpr void forward(const float* x, float* y) const noexcept {
    for (std::size_t c = 0; c < C; ++c) {
      const double s = gamma(c) / detail::sqrt(static_cast<double>(running_var(c)) + epsilon);
      y[c] = static_cast<float>((static_cast<double>(x[c]) - running_mean(c)) * s + beta(c));
    }
    for (std::size_t c = C; c < out_padded; ++c) y[c] = 0.0f;
  }

  // ------------------------------------------------------------- training
  template <std::size_t Batch>
  struct train_cache {
    static_assert(Batch >= 2,
                  "ctnn::batch_norm: training needs Batch >= 2 (the variance of a one-sample batch is undefined)");
    alignas(alignment) std::array<float, Batch * out_padded> xhat{};
    std::array<float, out_padded> inv_std{};
    std::array<float, out_padded> mean{};
    std::array<float, out_padded> var_unbiased{};
  };
  template <std::size_t Batch>
  static constexpr std::size_t train_scratch = 1;

  // The loops run over rows outside and features inside (contiguous, so the
  // compiler vectorises them); sums in double. Padding lanes: x = γ = β = 0
  // give x̂ = y = dx = 0 and zero gradients.
  template <class Backend, std::size_t Batch>
  constexpr void train_forward(train_cache<Batch>& c, const float* X, float* Y, float*) const {
    constexpr std::size_t P = out_padded;
    std::array<double, P> sum{}, sq{};
    for (std::size_t b = 0; b < Batch; ++b)
      for (std::size_t f = 0; f < P; ++f) sum[f] += X[b * P + f];
    for (std::size_t f = 0; f < P; ++f) sum[f] /= Batch;  // the mean
    for (std::size_t b = 0; b < Batch; ++b)
      for (std::size_t f = 0; f < P; ++f) {
        const double d = X[b * P + f] - sum[f];
        sq[f] += d * d;
      }
    for (std::size_t f = 0; f < P; ++f) {
      c.mean[f] = static_cast<float>(sum[f]);
      c.var_unbiased[f] = static_cast<float>(sq[f] / (Batch - 1));
      sq[f] = 1.0 / detail::sqrt(sq[f] / Batch + epsilon);  // now 1/σ
      c.inv_std[f] = static_cast<float>(sq[f]);
    }
    for (std::size_t b = 0; b < Batch; ++b)
      for (std::size_t f = 0; f < P; ++f) {
        const float xh = static_cast<float>((X[b * P + f] - sum[f]) * sq[f]);
        c.xhat[b * P + f] = xh;
        Y[b * P + f] = p_[f] * xh + p_[P + f];
      }
  }

  /// dγ = Σ dy·x̂, dβ = Σ dy,
  /// dx = (inv_std/B)·(B·dx̂ − Σ dx̂ − x̂·Σ dx̂·x̂) with dx̂ = γ·dy, i.e.
  /// dx = a·dy − b − x̂·c per feature (Σ dx̂ = γ·dβ, Σ dx̂·x̂ = γ·dγ).
  template <class Backend, std::size_t Batch>
  constexpr void train_backward(train_cache<Batch>& c, const float*, const float*, float* dY, float* dX, float* grad,
                                float*) const {
    constexpr std::size_t P = out_padded;
    std::array<double, P> dg{}, db{};
    for (std::size_t b = 0; b < Batch; ++b)
      for (std::size_t f = 0; f < P; ++f) {
        dg[f] += static_cast<double>(dY[b * P + f]) * c.xhat[b * P + f];
        db[f] += dY[b * P + f];
      }
    for (std::size_t f = 0; f < P; ++f) {
      grad[f] = static_cast<float>(dg[f]);
      grad[P + f] = static_cast<float>(db[f]);
    }
    if (dX == nullptr) return;
    // In double: the three terms cancel (float here costs PyTorch parity).
    std::array<double, P> ca{}, cb{}, cc{};
    for (std::size_t f = 0; f < P; ++f) {
      const double g = p_[f], k = c.inv_std[f] / static_cast<double>(Batch);
      ca[f] = k * Batch * g;
      cb[f] = k * g * db[f];
      cc[f] = k * g * dg[f];
    }
    for (std::size_t b = 0; b < Batch; ++b)
      for (std::size_t f = 0; f < P; ++f)
        dX[b * P + f] = static_cast<float>(ca[f] * dY[b * P + f] - cb[f] - c.xhat[b * P + f] * cc[f]);
  }

  template <std::size_t Batch>
  constexpr void train_commit(const train_cache<Batch>& c) noexcept {
    for (std::size_t f = 0; f < C; ++f) {
      running_mean(f) = (1.0f - momentum) * running_mean(f) + momentum * c.mean[f];
      running_var(f) = (1.0f - momentum) * running_var(f) + momentum * c.var_unbiased[f];
    }
  }

 private:
  alignas(alignment) std::array<float, parameter_storage> p_{};
  alignas(alignment) std::array<float, 2 * out_padded> buf_{};
};

/// Spec of a batch normalisation layer for ctnn::network: as many features
/// as the previous layer's outputs. momentum = MomentumNum/MomentumDen
/// (PyTorch's default 0.1), ε = 10^-EpsilonExp (default 1e-5). Ratios and
/// an exponent because clang 16 has no floating-point template parameters.
/// Example: examples/fashion_mnist_residual.cpp
template <std::intmax_t MomentumNum = 1, std::intmax_t MomentumDen = 10, int EpsilonExp = 5>
struct batch_norm {
  static_assert(MomentumDen > 0 && MomentumNum >= 0 && MomentumNum <= MomentumDen,
                "ctnn::batch_norm<MomentumNum, MomentumDen, EpsilonExp>: momentum must lie in [0, 1]");
  static_assert(EpsilonExp >= 1 && EpsilonExp <= 30, "ctnn::batch_norm: epsilon = 10^-EpsilonExp, EpsilonExp in [1, 30]");
  static constexpr std::size_t out_extent(std::size_t in) noexcept { return in; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = true;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = batch_norm_layer<In, MomentumNum, MomentumDen, EpsilonExp>;
};

}  // namespace ctnn

// The SIMD kernels (for the TU's static target; ctnn/dynamic.hpp re-includes
// them per target through ctnn/layers/layers-inl.hpp).
#include "ctnn/layers/batch_norm-inl.hpp"  // IWYU pragma: export
