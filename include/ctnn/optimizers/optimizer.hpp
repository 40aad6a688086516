// SPDX-License-Identifier: Apache-2.0
// ctnn/optimizers/optimizer.hpp — ctnn::Optimizer: what the trainer needs of
// an optimizer. The optimizer owns its state type and its update kernels;
// the trainer holds one state object and calls the optimizer, never naming
// it. ctnn/optimizers/rmsprop.hpp is a complete optimizer in one file.
#pragma once

#include <concepts>
#include <cstddef>

namespace ctnn {

namespace detail {
inline constexpr std::size_t optimizer_probe_size = 16;
}  // namespace detail

/// An optimizer type O provides
///   float max_grad_norm;    // > 0: the trainer clips the global gradient norm first
///   template <std::size_t N> struct state { ...; std::size_t steps = 0; };
///                           // its per-parameter state for N parameters (value-initialised:
///                           // zero), `steps` = updates taken so far (the trainer counts)
///   constexpr void update(float* p, const float* g, std::size_t n, state<N>& s,
///                         std::size_t offset) const;
///                           // n parameters p from gradients g; their state starts at
///                           // `offset` — the scalar path (constant expressions, any n)
///   template <class Target, std::size_t N>
///   void update_block(float* p, const float* g, std::size_t n, state<N>& s, std::size_t offset) const;
///                           // optional: the same on an aligned block, n a multiple of
///                           // ctnn::pad_floats (the run-time path: its Highway kernel;
///                           // Target = ctnn::detail::static_target keeps TUs with
///                           // different -march flags apart). Without it, update() runs.
/// The arithmetic of both must agree (the kernels tests check the built-in ones).
template <class O>
concept Optimizer = requires(const O& o, float* p, const float* g, std::size_t n,
                             typename O::template state<detail::optimizer_probe_size>& s) {
  { o.max_grad_norm } -> std::convertible_to<float>;
  { s.steps } -> std::convertible_to<std::size_t>;
  o.update(p, g, n, s, n);
};

}  // namespace ctnn
