// SPDX-License-Identifier: Apache-2.0
// ctnn/optimizers.hpp — sgd (momentum, Nesterov), adam, adamw, and (one file
// each, as a user's optimizer would be) rmsprop. Hyper-parameters are plain
// aggregates (designated initialisers: ctnn::adam{.learning_rate = 1e-3f});
// the state is a fixed-size object sized from the parameter count. Each
// optimizer owns its state and its update kernel (ctnn::Optimizer, in
// optimizers/optimizer.hpp). The arithmetic follows PyTorch 1.13's
// single-tensor implementations step by step, in float, so parameters after
// N steps match torch.optim.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "ctnn/detail/cmath.hpp"
#include "ctnn/kernels/optimizer-inl.hpp"
#include "ctnn/kernels/static.hpp"  // IWYU pragma: keep (detail::static_target)
#include "ctnn/optimizers/optimizer.hpp"
#include "ctnn/optimizers/rmsprop.hpp"

namespace ctnn {

/// Stochastic gradient descent (torch.optim.SGD): with momentum μ,
/// v ← μ·v + g; p ← p − lr·(nesterov ? g + μ·v : v). weight_decay adds wd·p
/// to g (L2). max_grad_norm > 0 clips the global gradient norm first.
struct sgd {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  bool nesterov = false;
  float weight_decay = 0.0f;
  float max_grad_norm = 0.0f;

  template <std::size_t N>
  struct state {
    std::array<float, N> velocity{};
    std::size_t steps = 0;
  };

  /// Updates n parameters `p` from gradients `g`; `s` offsets into the state.
  template <std::size_t N>
  constexpr void update(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const noexcept {
    float* v = st.velocity.data() + offset;
    for (std::size_t i = 0; i < n; ++i) {
      float gi = g[i];
      if (weight_decay != 0.0f) gi = gi + weight_decay * p[i];
      if (momentum != 0.0f) {
        v[i] = st.steps == 0 ? gi : momentum * v[i] + gi;  // torch: first step v = g
        gi = nesterov ? gi + momentum * v[i] : v[i];
      }
      p[i] = p[i] - learning_rate * gi;
    }
  }

  /// The same update on an aligned block (n a multiple of pad_floats): the
  /// TU's static target's kernel (kernels/optimizer-inl.hpp).
  template <class Target = detail::static_target, std::size_t N>
  void update_block(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const {
    sgd_update_kernel(Target{}, p, g, st.velocity.data() + offset, n, learning_rate, momentum, nesterov,
                      weight_decay, st.steps == 0);
  }
};

/// Adam (torch.optim.Adam): L2 weight_decay coupled into the gradient.
struct adam {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float weight_decay = 0.0f;
  float max_grad_norm = 0.0f;

  template <std::size_t N>
  struct state {
    std::array<float, N> m{};
    std::array<float, N> v{};
    std::size_t steps = 0;
  };

  template <std::size_t N>
  constexpr void update(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const noexcept {
    adam_update(*this, p, g, n, st.m.data() + offset, st.v.data() + offset, st.steps + 1, weight_decay, 0.0f);
  }
  template <class Target = detail::static_target, std::size_t N>
  void update_block(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const {
    adam_block<Target>(*this, p, g, n, st, offset, weight_decay, 0.0f);
  }
  /// The Highway kernel of adam and adamw (kernels/optimizer-inl.hpp).
  template <class Target, class Opt, std::size_t N>
  static void adam_block(const Opt& o, float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset,
                         float coupled_decay, float decoupled_decay) {
    const auto sc = adam_scalars(o, st.steps + 1);
    adam_update_kernel(Target{}, p, g, st.m.data() + offset, st.v.data() + offset, n, o.learning_rate, o.beta1,
                       o.beta2, o.epsilon, sc.step_size, sc.bias_correction2_sqrt, coupled_decay, decoupled_decay);
  }

  /// Step size lr/(1 − β1^t) and sqrt(1 − β2^t) for step t (1-based).
  struct scalars {
    float step_size;
    float bias_correction2_sqrt;
  };
  template <class Opt>
  static constexpr scalars adam_scalars(const Opt& o, std::size_t step) noexcept {
    const double b1t = detail::powi(static_cast<double>(o.beta1), step);
    const double b2t = detail::powi(static_cast<double>(o.beta2), step);
    const float bias_correction1 = static_cast<float>(1.0 - b1t);
    return {o.learning_rate / bias_correction1, static_cast<float>(detail::sqrt(1.0 - b2t))};
  }

  /// Shared by adam and adamw: decoupled decay multiplies p by (1 − lr·wd)
  /// first; coupled decay adds wd·p to g.
  template <class Opt>
  static constexpr void adam_update(const Opt& o, float* p, const float* g, std::size_t n, float* m, float* v,
                                    std::size_t step, float coupled_decay, float decoupled_decay) noexcept {
    const auto [step_size, bias_correction2_sqrt] = adam_scalars(o, step);
    for (std::size_t i = 0; i < n; ++i) {
      float gi = g[i];
      if (decoupled_decay != 0.0f) p[i] = p[i] * (1.0f - o.learning_rate * decoupled_decay);
      if (coupled_decay != 0.0f) gi = gi + coupled_decay * p[i];
      m[i] = m[i] * o.beta1 + gi * (1.0f - o.beta1);
      v[i] = v[i] * o.beta2 + (1.0f - o.beta2) * gi * gi;
      // sqrt is correctly rounded on both paths, so they agree bit for bit.
      const float root = std::is_constant_evaluated() ? static_cast<float>(detail::sqrt(v[i])) : std::sqrt(v[i]);
      const float denom = root / bias_correction2_sqrt + o.epsilon;
      p[i] = p[i] - step_size * (m[i] / denom);
    }
  }
};

/// AdamW (torch.optim.AdamW): decoupled weight decay, p ← p·(1 − lr·wd) before
/// the Adam step. PyTorch's default weight_decay is 0.01.
struct adamw {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float weight_decay = 1e-2f;
  float max_grad_norm = 0.0f;

  template <std::size_t N>
  using state = adam::state<N>;

  template <std::size_t N>
  constexpr void update(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const noexcept {
    adam::adam_update(*this, p, g, n, st.m.data() + offset, st.v.data() + offset, st.steps + 1, 0.0f, weight_decay);
  }
  template <class Target = detail::static_target, std::size_t N>
  void update_block(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const {
    adam::adam_block<Target>(*this, p, g, n, st, offset, 0.0f, weight_decay);
  }
};

static_assert(Optimizer<sgd> && Optimizer<adam> && Optimizer<adamw> && Optimizer<rmsprop>);

}  // namespace ctnn
