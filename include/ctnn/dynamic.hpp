// SPDX-License-Identifier: Apache-2.0
// ctnn/dynamic.hpp — opt-in run-time dispatch: compiles ctnn's forward
// kernels for every Highway target attainable by this translation unit and
// runs, at each call, the best one the CPU supports. Static dispatch
// (network::forward, compiled for the TU's -march) stays the default.
//
// Rules (README "Dynamic dispatch"):
//  * Include this header first in its TU — before any other ctnn header —
//    and do not include hwy/foreach_target.h in the same TU (it runs it).
//  * Build that TU without -march=native (or with the oldest -march you
//    ship for): the targets compiled are the baseline's and all better ones.
//  * Everything here has internal linkage (anonymous namespace), so TUs
//    built with different flags cannot violate the ODR. Expose what you
//    need through your own non-template functions. Example:
//    examples/dynamic_dispatch.
//  * Link hwy::hwy (CPU detection lives in libhwy).
#pragma once
#define CTNN_DYNAMIC_HPP_  // a dynamic-dispatch TU is built for the baseline on purpose (kernels/static.hpp)

#if defined(CTNN_KERNELS_STATIC_HPP_) || defined(HIGHWAY_HWY_FOREACH_TARGET_H_)
#error "ctnn/dynamic.hpp must be the first ctnn header of its translation unit, in a TU without hwy/foreach_target.h"
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ctnn/kernels/dispatch-inl.hpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/targets.h>

#include "ctnn/kernels/dispatch-inl.hpp"  // the static target's pass
#include "ctnn/ctnn.hpp"                  // its kernel includes are now no-ops

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ctnn::dynamic {
namespace {  // internal linkage: each TU has its own tables for its own targets

template <class Net>
using forward_fn = void (*)(const Net&, const float*, float*);
template <class Net>
using batch_fn = void (*)(const Net&, const float*, std::size_t, float*);
using target_fn = std::int64_t (*)();

template <class Net>
void forward_first(const Net& net, const float* x, float* y);
template <class Net>
void batch_first(const Net& net, const float* x, std::size_t rows, float* y);
std::int64_t target_first();

// Highway's table layout: [0] chooses the target on first use, then one
// entry per dynamic target (nullptr where not compiled), then the fallback.
template <class Net>
constexpr forward_fn<Net> forward_table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
    &forward_first<Net>, HWY_CHOOSE_TARGET_LIST(ForwardEntry<Net>), HWY_CHOOSE_FALLBACK(ForwardEntry<Net>)};
template <class Net>
constexpr batch_fn<Net> batch_table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
    &batch_first<Net>, HWY_CHOOSE_TARGET_LIST(ForwardBatch<Net>), HWY_CHOOSE_FALLBACK(ForwardBatch<Net>)};
constexpr target_fn target_table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
    &target_first, HWY_CHOOSE_TARGET_LIST(DispatchTarget), HWY_CHOOSE_FALLBACK(DispatchTarget)};

inline std::size_t chosen_index() { return hwy::GetChosenTarget().GetIndex(); }
inline void choose() { hwy::GetChosenTarget().Update(hwy::SupportedTargets()); }

template <class Net>
void forward_first(const Net& net, const float* x, float* y) {
  choose();
  forward_table<Net>[chosen_index()](net, x, y);
}
template <class Net>
void batch_first(const Net& net, const float* x, std::size_t rows, float* y) {
  choose();
  batch_table<Net>[chosen_index()](net, x, rows, y);
}
std::int64_t target_first() {
  choose();
  return target_table[chosen_index()]();
}

/// Like network::forward, on the best target this CPU supports.
template <class Net, std::size_t M>
std::array<float, Net::output_size> forward(const Net& net, const std::array<float, M>& x) {
  static_assert(detail::forward_input_check<M, Net::input_size>::value);
  std::array<float, Net::output_size> y{};
  forward_table<Net>[chosen_index()](net, x.data(), y.data());
  return y;
}
template <class Net, std::size_t M, std::size_t K>
void forward(const Net& net, std::span<const float, M> x, std::span<float, K> y) {
  static_assert(M != std::dynamic_extent && K != std::dynamic_extent,
                "ctnn::dynamic::forward: spans must have static extents (std::span<const float, input_size>)");
  static_assert(detail::forward_input_check<M, Net::input_size>::value);
  static_assert(detail::forward_output_check<K, Net::output_size>::value);
  forward_table<Net>[chosen_index()](net, x.data(), y.data());
}

/// Like network::forward_batch (same extent checks), on the best target.
template <class Net, std::size_t M, std::size_t K>
void forward_batch(const Net& net, std::span<const float, M> x, std::span<float, K> y) {
  const std::size_t rows = detail::batch_rows<Net::input_size, Net::output_size, M, K>(x.size(), y.size());
  batch_table<Net>[chosen_index()](net, x.data(), rows, y.data());
}

/// Name of the target the next call will run on ("AVX2", "SSE4", ...).
inline const char* target_name() { return hwy::TargetName(target_table[chosen_index()]()); }

}  // namespace
}  // namespace ctnn::dynamic
