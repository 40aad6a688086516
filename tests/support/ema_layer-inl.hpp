// SPDX-License-Identifier: Apache-2.0
// The Highway kernel of the test's stateful layer (ema_layer.hpp): found by
// the network's forward pass through argument-dependent lookup on SimdTag.
// Per-target include guard; ctnn/dynamic.hpp compiles it for every target
// when CTNN_USER_KERNELS names this file.

#if defined(CTNN_TEST_EMA_LAYER_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_TEST_EMA_LAYER_INL_HPP_
#undef CTNN_TEST_EMA_LAYER_INL_HPP_
#else
#define CTNN_TEST_EMA_LAYER_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <cstddef>

#include "ctnn/kernels/network-inl.hpp"
#include "ema_layer.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

/// s ← s + α·(x − s) over the padded row (padding: x = s = 0 stay 0).
template <std::size_t C, int Num, int Den>
HWY_INLINE void LayerForward(SimdTag, const ctnn_test::ema_layer<C, Num, Den>&,
                             typename ctnn_test::ema_layer<C, Num, Den>::state& st, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  namespace hn = hwy::HWY_NAMESPACE;
  const FloatTag d;
  const auto alpha = hn::Set(d, ctnn_test::ema_layer<C, Num, Den>::alpha);
  for (std::size_t i = 0; i < ctnn::padded(C); i += hn::Lanes(d)) {
    const auto s = hn::Load(d, st.s.data() + i);
    const auto next = hn::Add(s, hn::Mul(alpha, hn::Sub(hn::Load(d, x + i), s)));
    hn::Store(next, d, st.s.data() + i);
    hn::Store(next, d, y + i);
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
