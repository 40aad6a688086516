// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/bf16_layer-inl.hpp — bf16_layer's Highway kernels: the dense
// kernels, which widen bf16 weights to fp32 on load (LoadWeights).
// Re-included once per target (per-target include guard).

#if defined(CTNN_LAYERS_BF16_LAYER_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_BF16_LAYER_INL_HPP_
#undef CTNN_LAYERS_BF16_LAYER_INL_HPP_
#else
#define CTNN_LAYERS_BF16_LAYER_INL_HPP_
#endif

#include <hwy/highway.h>

#include <cstddef>

#include "ctnn/layers/bf16_layer.hpp"
#include "ctnn/layers/dense-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

template <class Layer>
HWY_INLINE void LayerForward(SimdTag, const bf16_layer<Layer>& layer, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  DenseForward(layer, x, y);
}
template <class Layer>
HWY_INLINE void LayerForwardBatch(SimdTag, const bf16_layer<Layer>& layer, std::size_t rows,
                                  const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  // The GEMM reads fp32 weights: bf16 layers run the single-sample kernel
  // per row (they are for bandwidth-bound single-sample inference).
  for (std::size_t r = 0; r < rows; ++r) DenseForward(layer, X + r * ldx, Z + r * Layer::out_padded);
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
