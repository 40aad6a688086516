// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/fma-inl.hpp — the fused multiply-adds every ctnn kernel uses.
// Re-included once per target (per-target include guard).
//
// Fma(a, b, c) = a·b + c, Fnma(a, b, c) = c − a·b, Fms(a, b, c) = a·b − c,
// each rounded once, on every target. Highway's SIMD targets call their FMA
// instructions (hn::MulAdd, NegMulAdd, MulSub). Highway 1.0.3's SCALAR and
// EMU128 targets write them as the C++ expression `mul * x + add`, which the
// compiler contracts into one FMA or leaves as two roundings depending on
// the surrounding code (-ffp-contract=fast, GCC's default, wherever the ISA
// has an FMA). Two kernels of the same operations in the same order could
// then differ in the last bits — g++ 12 on aarch64's SCALAR target did, for
// Conv1D's step against its tiled sequence kernel — and error-free
// transforms that need the exact product (TanhRational's residual) lose it.
// Here those two targets round once per lane with std::fma (an instruction
// where the ISA has one, glibc's correctly rounded fma otherwise).

#if defined(CTNN_KERNELS_FMA_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_FMA_INL_HPP_
#undef CTNN_KERNELS_FMA_INL_HPP_
#else
#define CTNN_KERNELS_FMA_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <cmath>
#include <cstddef>

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
namespace fma_detail {
/// One std::fma per lane of the vector types whose lanes are the public
/// array or scalar `raw` (Highway 1.0.3's Vec1 and emulated Vec128).
template <class V>
HWY_INLINE V PerLane(V a, const V b, const V c) {
  if constexpr (requires { a.raw[0]; }) {
    for (std::size_t i = 0; i < sizeof(a.raw) / sizeof(a.raw[0]); ++i) a.raw[i] = std::fma(a.raw[i], b.raw[i], c.raw[i]);
  } else {
    a.raw = std::fma(a.raw, b.raw, c.raw);
  }
  return a;
}
}  // namespace fma_detail

template <class V>
HWY_INLINE V Fma(V a, V b, V c) {
  return fma_detail::PerLane(a, b, c);
}
template <class V>
HWY_INLINE V Fnma(V a, V b, V c) {
  return fma_detail::PerLane(hn::Neg(a), b, c);
}
template <class V>
HWY_INLINE V Fms(V a, V b, V c) {
  return fma_detail::PerLane(a, b, hn::Neg(c));
}
#else
template <class V>
HWY_INLINE V Fma(V a, V b, V c) {
  return hn::MulAdd(a, b, c);
}
template <class V>
HWY_INLINE V Fnma(V a, V b, V c) {
  return hn::NegMulAdd(a, b, c);
}
template <class V>
HWY_INLINE V Fms(V a, V b, V c) {
  return hn::MulSub(a, b, c);
}
#endif

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
