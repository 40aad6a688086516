// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/batch_norm-inl.hpp — batch norm's Highway forward at inference.
// Re-included once per target (per-target include guard).

#if defined(CTNN_LAYERS_BATCH_NORM_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_BATCH_NORM_INL_HPP_
#undef CTNN_LAYERS_BATCH_NORM_INL_HPP_
#else
#define CTNN_LAYERS_BATCH_NORM_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>
#include <cstdint>

#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/batch_norm.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// y = (x − r_mean)·γ/√(r_var + ε) + β per lane (padding lanes: γ = β = 0 give 0).
template <std::size_t C, std::intmax_t MN, std::intmax_t MD, int EE>
HWY_INLINE void LayerForward(SimdTag, const batch_norm_layer<C, MN, MD, EE>& layer, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  using Layer = batch_norm_layer<C, MN, MD, EE>;
  constexpr std::size_t P = Layer::out_padded;
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const float* p = layer.parameter_data();
  const float* r = layer.buffer_data();
  const auto eps = hn::Set(d, static_cast<float>(Layer::epsilon));
  for (std::size_t i = 0; i < P; i += N) {
    const auto s = hn::Div(hn::Load(d, p + i), hn::Sqrt(hn::Add(hn::Load(d, r + P + i), eps)));
    hn::Store(Fma(hn::Sub(hn::Load(d, x + i), hn::Load(d, r + i)), s, hn::Load(d, p + P + i)), d, y + i);
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
