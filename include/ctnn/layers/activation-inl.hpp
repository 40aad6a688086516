// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/activation-inl.hpp — the activation layer's Highway forward:
// the activation kernels of kernels/activation-inl.hpp over the padded row.
// Re-included once per target (per-target include guard).

#if defined(CTNN_LAYERS_ACTIVATION_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_ACTIVATION_INL_HPP_
#undef CTNN_LAYERS_ACTIVATION_INL_HPP_
#else
#define CTNN_LAYERS_ACTIVATION_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <cstddef>

#include "ctnn/kernels/activation-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/activation.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

/// y = act(x) over the padded row (padding lanes: act(0), finite, or 0 for
/// whole-layer activations).
template <std::size_t C, class Act>
HWY_INLINE void LayerForward(SimdTag, const activation_layer<C, Act>&, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  if constexpr (Act::elementwise) {
    ActivateTo<Act>(x, y, padded(C));
  } else {
    for (std::size_t c = 0; c < padded(C); ++c) y[c] = x[c];
    WholeLayerInPlace<Act, C, padded(C)>(y);
  }
}
/// The logits of an activation layer are its input.
template <std::size_t C, class Act>
HWY_INLINE void LayerForwardLogits(SimdTag, const activation_layer<C, Act>& layer, const float* HWY_RESTRICT x,
                                   float* HWY_RESTRICT y, float* HWY_RESTRICT z) {
  for (std::size_t c = 0; c < padded(C); ++c) z[c] = x[c];
  LayerForward(SimdTag(), layer, x, y);
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
