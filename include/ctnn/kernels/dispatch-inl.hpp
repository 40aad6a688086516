// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/dispatch-inl.hpp — the per-target entry points that
// ctnn/dynamic.hpp puts in its dispatch tables (out-of-line, so each table
// entry is one call). Re-included once per target by ctnn/dynamic.hpp's
// hwy/foreach_target.h; include it from your own HWY_TARGET_INCLUDE file
// only if you build the tables yourself (README "Dynamic dispatch").

#if defined(CTNN_KERNELS_DISPATCH_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_DISPATCH_INL_HPP_
#undef CTNN_KERNELS_DISPATCH_INL_HPP_
#else
#define CTNN_KERNELS_DISPATCH_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>

// Every per-target kernel header that ctnn/ctnn.hpp includes must be
// included here too: one that first appears after hwy/foreach_target.h has
// run would see its per-target include guard out of step with
// HWY_TARGET_TOGGLE whenever the number of targets is odd, and compile to
// nothing for the static target.
#include "ctnn/kernels/batch-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/kernels/optimizer-inl.hpp"
#include "ctnn/kernels/sequence-inl.hpp"
#include "ctnn/kernels/train-inl.hpp"
#include "ctnn/layers/layers-inl.hpp"
// A user layer's kernels (its -inl.hpp, per-target include guard): define
// CTNN_USER_KERNELS "my_layer-inl.hpp" before including ctnn/dynamic.hpp, so
// that they are compiled for every target too (README "Layer protocol").
#ifdef CTNN_USER_KERNELS
#include CTNN_USER_KERNELS
#endif

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

template <class List>
HWY_NOINLINE void ForwardEntry(const List& list, typename List::state_tuple& st, const float* HWY_RESTRICT x,
                               float* HWY_RESTRICT y) {
  ForwardNet(list, st, x, y);
}

/// The Highway target this namespace was compiled for (HWY_AVX2, ...).
HWY_NOINLINE inline std::int64_t DispatchTarget() { return HWY_TARGET; }

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
