// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/optimizer-inl.hpp — Highway parameter updates for sgd and
// adam/adamw. Same arithmetic, element by element, as the scalar
// optimizers.hpp (PyTorch 1.13's single-tensor steps); the loop-invariant
// options are template parameters so the loops carry no branches.
// n is a multiple of ctnn::pad_floats; all pointers aligned.
// Re-included once per target.

#if defined(CTNN_KERNELS_OPTIMIZER_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_OPTIMIZER_INL_HPP_
#undef CTNN_KERNELS_OPTIMIZER_INL_HPP_
#else
#define CTNN_KERNELS_OPTIMIZER_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <bool Decay, bool Momentum, bool Nesterov, bool First>
HWY_NOINLINE void SgdLoop(float* HWY_RESTRICT p, const float* HWY_RESTRICT g, float* HWY_RESTRICT v, std::size_t n,
                          float lr, float momentum, float weight_decay) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const auto vlr = hn::Set(d, lr), vmom = hn::Set(d, momentum), vwd = hn::Set(d, weight_decay);
  for (std::size_t i = 0; i < n; i += N) {
    auto pi = hn::Load(d, p + i);
    auto gi = hn::Load(d, g + i);
    if constexpr (Decay) gi = hn::Add(gi, hn::Mul(vwd, pi));
    if constexpr (Momentum) {
      const auto vi = First ? gi : hn::Add(hn::Mul(vmom, hn::Load(d, v + i)), gi);
      hn::Store(vi, d, v + i);
      gi = Nesterov ? hn::Add(gi, hn::Mul(vmom, vi)) : vi;
    }
    hn::Store(hn::Sub(pi, hn::Mul(vlr, gi)), d, p + i);
  }
}

/// torch.optim.SGD step on n parameters (see optimizers.hpp): picks the
/// loop instantiation for the options (momentum 0 ignores nesterov/first).
CTNN_KERNEL_ENTRY void SgdUpdate(float* HWY_RESTRICT p, const float* HWY_RESTRICT g, float* HWY_RESTRICT v,
                                 std::size_t n, float lr, float momentum, bool nesterov, float weight_decay,
                                 bool first) {
  using Loop = void (*)(float*, const float*, float*, std::size_t, float, float, float);
  // Index bits: decay, momentum, nesterov, first.
  static constexpr Loop kLoops[16] = {
      SgdLoop<false, false, false, false>, SgdLoop<false, false, false, false>, SgdLoop<false, false, false, false>,
      SgdLoop<false, false, false, false>, SgdLoop<false, true, false, false>,  SgdLoop<false, true, false, true>,
      SgdLoop<false, true, true, false>,   SgdLoop<false, true, true, true>,    SgdLoop<true, false, false, false>,
      SgdLoop<true, false, false, false>,  SgdLoop<true, false, false, false>,  SgdLoop<true, false, false, false>,
      SgdLoop<true, true, false, false>,   SgdLoop<true, true, false, true>,    SgdLoop<true, true, true, false>,
      SgdLoop<true, true, true, true>};
  const unsigned index = (weight_decay != 0.0f ? 8u : 0u) | (momentum != 0.0f ? 4u : 0u) | (nesterov ? 2u : 0u) |
                         (first ? 1u : 0u);
  kLoops[index](p, g, v, n, lr, momentum, weight_decay);
}

template <bool Coupled, bool Decoupled>
HWY_NOINLINE void AdamLoop(float* HWY_RESTRICT p, const float* HWY_RESTRICT g, float* HWY_RESTRICT m,
                           float* HWY_RESTRICT v, std::size_t n, float lr, float beta1, float beta2, float eps,
                           float step_size, float bc2_sqrt, float weight_decay) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const auto vb1 = hn::Set(d, beta1), vb2 = hn::Set(d, beta2), v1b1 = hn::Set(d, 1.0f - beta1),
             v1b2 = hn::Set(d, 1.0f - beta2), veps = hn::Set(d, eps), vstep = hn::Set(d, step_size),
             vbc2 = hn::Set(d, bc2_sqrt), vwd = hn::Set(d, weight_decay),
             vshrink = hn::Set(d, 1.0f - lr * weight_decay);
  for (std::size_t i = 0; i < n; i += N) {
    auto pi = hn::Load(d, p + i);
    auto gi = hn::Load(d, g + i);
    if constexpr (Decoupled) pi = hn::Mul(pi, vshrink);
    if constexpr (Coupled) gi = hn::Add(gi, hn::Mul(vwd, pi));
    const auto mi = hn::Add(hn::Mul(hn::Load(d, m + i), vb1), hn::Mul(gi, v1b1));
    const auto vi = hn::Add(hn::Mul(hn::Load(d, v + i), vb2), hn::Mul(hn::Mul(v1b2, gi), gi));
    hn::Store(mi, d, m + i);
    hn::Store(vi, d, v + i);
    const auto denom = hn::Add(hn::Div(hn::Sqrt(vi), vbc2), veps);
    hn::Store(hn::Sub(pi, hn::Mul(vstep, hn::Div(mi, denom))), d, p + i);
  }
}

/// torch.optim.Adam / AdamW step on n parameters (see optimizers.hpp).
CTNN_KERNEL_ENTRY void AdamUpdate(float* HWY_RESTRICT p, const float* HWY_RESTRICT g, float* HWY_RESTRICT m,
                                  float* HWY_RESTRICT v, std::size_t n, float lr, float beta1, float beta2, float eps,
                                  float step_size, float bc2_sqrt, float coupled_decay, float decoupled_decay) {
  if (decoupled_decay != 0.0f) {
    AdamLoop<false, true>(p, g, m, v, n, lr, beta1, beta2, eps, step_size, bc2_sqrt, decoupled_decay);
  } else if (coupled_decay != 0.0f) {
    AdamLoop<true, false>(p, g, m, v, n, lr, beta1, beta2, eps, step_size, bc2_sqrt, coupled_decay);
  } else {
    AdamLoop<false, false>(p, g, m, v, n, lr, beta1, beta2, eps, step_size, bc2_sqrt, 0.0f);
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_TARGET == HWY_STATIC_TARGET
#include "ctnn/kernels/static.hpp"
namespace ctnn::detail {
// The optimizers' update_block calls these unqualified with a Target tag, so
// the call is resolved when a trainer instantiates it (argument-dependent
// lookup) — optimizers.hpp stays parseable before the static target's
// kernels exist (e.g. inside a hwy/foreach_target.h pass).
inline void sgd_update_kernel(static_target, float* p, const float* g, float* v, std::size_t n, float lr,
                              float momentum, bool nesterov, float weight_decay, bool first) {
  HWY_STATIC_DISPATCH(SgdUpdate)(p, g, v, n, lr, momentum, nesterov, weight_decay, first);
}
inline void adam_update_kernel(static_target, float* p, const float* g, float* m, float* v, std::size_t n, float lr,
                               float beta1, float beta2, float eps, float step_size, float bc2_sqrt,
                               float coupled_decay, float decoupled_decay) {
  HWY_STATIC_DISPATCH(AdamUpdate)(p, g, m, v, n, lr, beta1, beta2, eps, step_size, bc2_sqrt, coupled_decay,
                                  decoupled_decay);
}
}  // namespace ctnn::detail
#endif

#endif  // per-target include guard
