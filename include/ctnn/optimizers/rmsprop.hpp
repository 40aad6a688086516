// SPDX-License-Identifier: Apache-2.0
// ctnn/optimizers/rmsprop.hpp — ctnn::rmsprop, torch.optim.RMSprop, as one
// file: the hyper-parameters, the state, the scalar update and the Highway
// kernel. It is also the template for a user-defined optimizer.
//
// The file has two parts: the kernel, compiled once per Highway target (so
// the all-target tests, and a user's own hwy/foreach_target.h, see every
// target), and the optimizer, compiled once. The kernel's guard: Highway's
// per-target toggle for the targets hwy/foreach_target.h visits, an ordinary
// include guard for the static target (which foreach_target.h skips) — so
// the static target's kernel exists whichever order the TU includes things.

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#if HWY_TARGET == HWY_STATIC_TARGET
#ifndef CTNN_OPTIMIZERS_RMSPROP_STATIC_
#define CTNN_OPTIMIZERS_RMSPROP_STATIC_
#define CTNN_OPTIMIZERS_RMSPROP_EMIT_
#endif
#elif defined(CTNN_OPTIMIZERS_RMSPROP_INL_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_OPTIMIZERS_RMSPROP_INL_
#undef CTNN_OPTIMIZERS_RMSPROP_INL_
#else
#define CTNN_OPTIMIZERS_RMSPROP_INL_
#endif
#define CTNN_OPTIMIZERS_RMSPROP_EMIT_
#endif

#ifdef CTNN_OPTIMIZERS_RMSPROP_EMIT_
#undef CTNN_OPTIMIZERS_RMSPROP_EMIT_
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// torch.optim.RMSprop on n parameters (n a multiple of pad_floats, all
/// aligned), operation for operation as ctnn::rmsprop::update below; `avg`
/// (grad_avg) is used when Centered, `buf` (momentum_buffer) when Momentum.
template <bool Decay, bool Centered, bool Momentum>
HWY_NOINLINE void RmspropLoop(float* HWY_RESTRICT p, const float* HWY_RESTRICT g, float* HWY_RESTRICT sq,
                              float* HWY_RESTRICT avg, float* HWY_RESTRICT buf, std::size_t n, float lr, float alpha,
                              float one_minus_alpha, float eps, float weight_decay, float momentum) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const auto valpha = hn::Set(d, alpha), v1a = hn::Set(d, one_minus_alpha), veps = hn::Set(d, eps),
             vwd = hn::Set(d, weight_decay), vmom = hn::Set(d, momentum), vneg_lr = hn::Set(d, -lr),
             vminus1 = hn::Set(d, -1.0f);
  for (std::size_t i = 0; i < n; i += N) {
    auto pi = hn::Load(d, p + i);
    auto gi = hn::Load(d, g + i);
    if constexpr (Decay) gi = hn::Add(gi, hn::Mul(vwd, pi));
    const auto si = hn::Add(hn::Mul(hn::Load(d, sq + i), valpha), hn::Mul(hn::Mul(v1a, gi), gi));
    hn::Store(si, d, sq + i);
    auto denom = hn::Sqrt(si);
    if constexpr (Centered) {
      const auto ai = hn::Add(hn::Mul(hn::Load(d, avg + i), valpha), hn::Mul(v1a, gi));
      hn::Store(ai, d, avg + i);
      denom = hn::Sqrt(hn::Add(si, hn::Mul(hn::Mul(vminus1, ai), ai)));
    }
    denom = hn::Add(denom, veps);
    if constexpr (Momentum) {
      const auto bi = hn::Add(hn::Mul(hn::Load(d, buf + i), vmom), hn::Div(gi, denom));
      hn::Store(bi, d, buf + i);
      pi = hn::Add(pi, hn::Mul(vneg_lr, bi));
    } else {
      pi = hn::Add(pi, hn::Div(hn::Mul(vneg_lr, gi), denom));
    }
    hn::Store(pi, d, p + i);
  }
}

/// Picks the loop instantiation for the options.
CTNN_KERNEL_ENTRY void RmspropUpdate(float* HWY_RESTRICT p, const float* HWY_RESTRICT g, float* HWY_RESTRICT sq,
                                     float* HWY_RESTRICT avg, float* HWY_RESTRICT buf, std::size_t n, float lr,
                                     float alpha, float one_minus_alpha, float eps, float weight_decay, float momentum,
                                     bool centered) {
  using Loop = void (*)(float*, const float*, float*, float*, float*, std::size_t, float, float, float, float, float,
                        float);
  static constexpr Loop kLoops[8] = {RmspropLoop<false, false, false>, RmspropLoop<false, false, true>,
                                     RmspropLoop<false, true, false>,  RmspropLoop<false, true, true>,
                                     RmspropLoop<true, false, false>,  RmspropLoop<true, false, true>,
                                     RmspropLoop<true, true, false>,   RmspropLoop<true, true, true>};
  const unsigned index = (weight_decay != 0.0f ? 4u : 0u) | (centered ? 2u : 0u) | (momentum != 0.0f ? 1u : 0u);
  kLoops[index](p, g, sq, avg, buf, n, lr, alpha, one_minus_alpha, eps, weight_decay, momentum);
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_TARGET == HWY_STATIC_TARGET
#include "ctnn/kernels/static.hpp"
namespace ctnn::detail {
// rmsprop::update_block calls this unqualified with its Target tag: resolved
// when a trainer instantiates it, so the optimizer below can be parsed
// before the static target's kernel exists.
inline void rmsprop_update_kernel(static_target, float* p, const float* g, float* sq, float* avg, float* buf,
                                  std::size_t n, float lr, float alpha, float one_minus_alpha, float eps,
                                  float weight_decay, float momentum, bool centered) {
  HWY_STATIC_DISPATCH(RmspropUpdate)(p, g, sq, avg, buf, n, lr, alpha, one_minus_alpha, eps, weight_decay, momentum,
                                     centered);
}
}  // namespace ctnn::detail
#endif
#endif  // CTNN_OPTIMIZERS_RMSPROP_EMIT_

#ifndef CTNN_OPTIMIZERS_RMSPROP_HPP_
#define CTNN_OPTIMIZERS_RMSPROP_HPP_

#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "ctnn/detail/cmath.hpp"
#include "ctnn/kernels/static.hpp"  // IWYU pragma: keep (detail::static_target)

namespace ctnn {

/// RMSprop (torch.optim.RMSprop, PyTorch 1.13's single-tensor step):
///   g ← g + wd·p;  s ← α·s + (1 − α)·g²;  v = s  (centered: v = s − ḡ², ḡ ← α·ḡ + (1 − α)·g)
///   momentum μ > 0: b ← μ·b + g/(√v + ε), p ← p − lr·b;  else p ← p − lr·g/(√v + ε).
/// PyTorch's defaults. max_grad_norm > 0 clips the global gradient norm first.
struct rmsprop {
  float learning_rate = 0.01f;
  /// A double, as PyTorch's Python float: the update uses float(α) and
  /// float(1 − α), and 1 − 0.99 rounded to float is 0.01f, not 1 − 0.99f.
  double alpha = 0.99;
  float epsilon = 1e-8f;
  float weight_decay = 0.0f;
  float momentum = 0.0f;
  bool centered = false;
  float max_grad_norm = 0.0f;

  template <std::size_t N>
  struct state {
    std::array<float, N> square_avg{};
    std::array<float, N> grad_avg{};         // centered only
    std::array<float, N> momentum_buffer{};  // momentum > 0 only
    std::size_t steps = 0;
  };

  /// The scalar update (constant expressions; the kernel's reference).
  template <std::size_t N>
  constexpr void update(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const noexcept {
    const float a = static_cast<float>(alpha), one_minus_alpha = static_cast<float>(1.0 - alpha);
    float* sq = st.square_avg.data() + offset;
    float* avg = st.grad_avg.data() + offset;
    float* buf = st.momentum_buffer.data() + offset;
    for (std::size_t i = 0; i < n; ++i) {
      float gi = g[i];
      if (weight_decay != 0.0f) gi = gi + weight_decay * p[i];
      sq[i] = sq[i] * a + one_minus_alpha * gi * gi;
      float v = sq[i];
      if (centered) {
        avg[i] = avg[i] * a + one_minus_alpha * gi;
        v = sq[i] + -1.0f * avg[i] * avg[i];
      }
      // sqrt is correctly rounded on both paths, so they agree bit for bit.
      const float root = std::is_constant_evaluated() ? static_cast<float>(detail::sqrt(v)) : std::sqrt(v);
      const float denom = root + epsilon;
      if (momentum != 0.0f) {
        buf[i] = buf[i] * momentum + gi / denom;
        p[i] = p[i] + -learning_rate * buf[i];
      } else {
        p[i] = p[i] + -learning_rate * gi / denom;
      }
    }
  }

  /// The same on an aligned block: the static target's RmspropUpdate above.
  template <class Target = detail::static_target, std::size_t N>
  void update_block(float* p, const float* g, std::size_t n, state<N>& st, std::size_t offset) const {
    rmsprop_update_kernel(Target{}, p, g, st.square_avg.data() + offset, st.grad_avg.data() + offset,
                          st.momentum_buffer.data() + offset, n, learning_rate, static_cast<float>(alpha),
                          static_cast<float>(1.0 - alpha), epsilon, weight_decay, momentum, centered);
  }
};

}  // namespace ctnn

#endif  // CTNN_OPTIMIZERS_RMSPROP_HPP_
