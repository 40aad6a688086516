// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/tag-inl.hpp — the vector descriptor every ctnn kernel uses.
// Re-included once per target (per-target include guard).
//
// Rows are padded to ctnn::pad_floats (16) floats, so a kernel may step
// through them in whole vectors only if a vector holds a divisor of 16
// floats. On targets with a compile-time width (x86: 4/8/16, NEON: 4) that is
// ScalableTag<float> and the width is a constant. On scalable targets (SVE,
// SVE2: 128 to 2048 bits, known at run time only) the tag is capped at 16
// floats, and kernels take the width from hn::Lanes(d) at run time and keep
// no arrays of vectors (SVE's vector types are sizeless). The SVE kernels
// assume a power-of-two vector length (128, 256, 512, ... bits: every SVE
// core shipped so far).

// ctnn/dynamic.hpp must come before any ctnn kernel (it checks this).
#ifndef CTNN_KERNELS_SEEN_
#define CTNN_KERNELS_SEEN_
#endif

#if defined(CTNN_KERNELS_TAG_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_TAG_INL_HPP_
#undef CTNN_KERNELS_TAG_INL_HPP_
#else
#define CTNN_KERNELS_TAG_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include "ctnn/config.hpp"
#include "ctnn/kernels/fma-inl.hpp"

#include <cstddef>

// No HWY_BEFORE_NAMESPACE here: the region declares no function, and clang
// warns about a target attribute pushed over a region that uses none.
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_HAVE_SCALABLE
using FloatTag = hn::CappedTag<float, pad_floats>;
#else
using FloatTag = hn::ScalableTag<float>;
static_assert(hn::MaxLanes(FloatTag()) <= pad_floats && pad_floats % hn::MaxLanes(FloatTag()) == 0,
              "ctnn: a vector must hold a divisor of ctnn::pad_floats floats");
#endif

/// Vector registers of the target: 16 on x86 before AVX-512 (AVX2, SSE4,
/// SSSE3), 32 on AVX-512, NEON and SVE. Accumulator counts follow from it.
inline constexpr std::size_t kVectorRegisters =
#if HWY_ARCH_X86 && HWY_TARGET != HWY_AVX3 && HWY_TARGET != HWY_AVX3_DL
    16;
#else
    32;
#endif

/// Whether a small layer computes its activation in a pass of its own, after
/// all of its sums are stored, with its input and the activation's
/// constants read from memory (detail::opaque). True for clang on AVX2:
/// there clang 16 forwards the previous layer's output into the broadcasts
/// as register shuffles, hoists the activation's constants and interleaves
/// the activation with the multiply-add chains, and 16 registers do not
/// hold all of it, so it spills accumulators on the chain (S3
/// 8-32-32-32-1 tanh on an AVX2 Zen 3, bench medians: 259-288 → 156-169 ns;
/// g++ 12 schedules it well either way: 138-142 ns). On SSE4 (16 registers, 4 lanes) it made
/// no difference to S3 and S1 was 5 % slower, so it stays off there. The
/// results are the same bits either way; only the schedule differs.
inline constexpr bool kActivationPassApart =
#if defined(__clang__) && HWY_TARGET == HWY_AVX2
    true;
#else
    false;
#endif

/// Passed first to every per-layer kernel (LayerForward, LayerForwardBatch,
/// LayerForwardLogits): argument-dependent lookup then finds the overloads
/// that each layer's -inl.hpp declares in this namespace, wherever they are
/// included, without the generic code naming the layer types.
struct SimdTag {};

}  // namespace ctnn::HWY_NAMESPACE

#endif  // per-target include guard
