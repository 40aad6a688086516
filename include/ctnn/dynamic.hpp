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

#if defined(CTNN_KERNELS_STATIC_HPP_) || defined(CTNN_KERNELS_SEEN_) || defined(HIGHWAY_HWY_FOREACH_TARGET_H_)
#error "ctnn/dynamic.hpp must be the first ctnn header of its translation unit, in a TU without hwy/foreach_target.h"
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ctnn/kernels/dispatch-inl.hpp"
#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
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

template <class List>
using forward_fn = void (*)(const List&, typename List::state_tuple&, const float*, float*);
template <class List>
using batch_fn = void (*)(const List&, const float*, std::size_t, float*);
using target_fn = std::int64_t (*)();

template <class List>
void forward_first(const List& list, typename List::state_tuple& st, const float* x, float* y);
template <class List>
void batch_first(const List& list, const float* x, std::size_t rows, float* y);
std::int64_t target_first();

// Highway's table layout: [0] chooses the target on first use, then one
// entry per dynamic target (nullptr where not compiled), then the fallback.
// Indexed by the network's layer list (network and bf16_network share them).
template <class List>
constexpr forward_fn<List> forward_table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
    &forward_first<List>, HWY_CHOOSE_TARGET_LIST(ForwardEntry<List>), HWY_CHOOSE_FALLBACK(ForwardEntry<List>)};
template <class List>
constexpr batch_fn<List> batch_table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
    &batch_first<List>, HWY_CHOOSE_TARGET_LIST(ForwardBatch<List>), HWY_CHOOSE_FALLBACK(ForwardBatch<List>)};
constexpr target_fn target_table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
    &target_first, HWY_CHOOSE_TARGET_LIST(DispatchTarget), HWY_CHOOSE_FALLBACK(DispatchTarget)};

inline std::size_t chosen_index() { return hwy::GetChosenTarget().GetIndex(); }
inline void choose() { hwy::GetChosenTarget().Update(hwy::SupportedTargets()); }

template <class List>
void forward_first(const List& list, typename List::state_tuple& st, const float* x, float* y) {
  choose();
  forward_table<List>[chosen_index()](list, st, x, y);
}
template <class List>
void batch_first(const List& list, const float* x, std::size_t rows, float* y) {
  choose();
  batch_table<List>[chosen_index()](list, x, rows, y);
}
std::int64_t target_first() {
  choose();
  return target_table[chosen_index()]();
}

template <class Net>
using list_of = typename Net::list_type;

/// Like network::forward, on the best target this CPU supports. A stateful
/// network (Net::is_stateful) takes one time step and advances its state.
template <class Net, std::size_t M>
  requires(!Net::is_stateful)
std::array<float, Net::output_size> forward(const Net& net, const std::array<float, M>& x) {
  static_assert(detail::forward_input_check<M, Net::input_size>::value);
  std::array<float, Net::output_size> y{};
  typename Net::state_type none{};
  forward_table<list_of<Net>>[chosen_index()](net, none, x.data(), y.data());
  return y;
}
template <class Net, std::size_t M>
  requires(Net::is_stateful)
std::array<float, Net::output_size> forward(Net& net, const std::array<float, M>& x) {
  static_assert(detail::forward_input_check<M, Net::input_size>::value);
  std::array<float, Net::output_size> y{};
  forward_table<list_of<Net>>[chosen_index()](net, net.states(), x.data(), y.data());
  return y;
}
template <class Net, std::size_t M, std::size_t K>
  requires(!Net::is_stateful)
void forward(const Net& net, std::span<const float, M> x, std::span<float, K> y) {
  detail::check_forward_extents<Net, M, K, true>();
  typename Net::state_type none{};
  forward_table<list_of<Net>>[chosen_index()](net, none, x.data(), y.data());
}
template <class Net, std::size_t M, std::size_t K>
  requires(Net::is_stateful)
void forward(Net& net, std::span<const float, M> x, std::span<float, K> y) {
  detail::check_forward_extents<Net, M, K, true>();
  forward_table<list_of<Net>>[chosen_index()](net, net.states(), x.data(), y.data());
}

/// Like network::forward_batch (same extent checks), on the best target.
template <class Net, std::size_t M, std::size_t K>
void forward_batch(const Net& net, std::span<const float, M> x, std::span<float, K> y) {
  static_assert(!Net::is_stateful, "ctnn::dynamic::forward_batch: the network keeps state; call forward() per step");
  const std::size_t rows = detail::batch_rows<Net::input_size, Net::output_size, M, K>(x.size(), y.size());
  batch_table<list_of<Net>>[chosen_index()](net, x.data(), rows, y.data());
}

/// Name of the target the next call will run on ("AVX2", "SSE4", ...).
inline const char* target_name() { return hwy::TargetName(target_table[chosen_index()]()); }

}  // namespace
}  // namespace ctnn::dynamic
