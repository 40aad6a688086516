// SPDX-License-Identifier: Apache-2.0
// Helpers shared by ctnn's tests: deterministic random fills and float
// distance measures. Test-only; not part of the library.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ctnn/detail/cpu.hpp"
#include "ctnn/random.hpp"

namespace ctnn_test {

/// Distance between two finite floats in units in the last place.
inline std::int64_t ulp_distance(float a, float b) {
  auto ordered = [](float f) -> std::int64_t {
    const std::int32_t i = std::bit_cast<std::int32_t>(f);
    return i < 0 ? std::int64_t{INT32_MIN} - i : i;
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

/// Sets ctnn::detail::small_step_width (the GRU/LSTM step width of small
/// cells on AVX-512) for a scope, then back to automatic. No step may run
/// on another thread meanwhile.
struct step_width_scope {
  explicit step_width_scope(ctnn::detail::step_width w) { ctnn::detail::small_step_width = w; }
  ~step_width_scope() { ctnn::detail::small_step_width = ctnn::detail::step_width::automatic; }
  step_width_scope(const step_width_scope&) = delete;
  step_width_scope& operator=(const step_width_scope&) = delete;
};

/// Uniform float in [lo, hi).
inline float uniform(ctnn::rng& g, float lo, float hi) {
  return static_cast<float>(lo + (hi - lo) * g.uniform());
}

/// Fills every parameter of a layer (interchange order) with U(-s, s), s =
/// scale/sqrt(fan_in), biases U(-0.5, 0.5).
template <class Layer>
void randomize(Layer& layer, std::uint64_t seed, float scale = 1.0f) {
  ctnn::rng g(seed);
  const float s = scale / std::sqrt(static_cast<float>(Layer::in_extent));
  for (std::size_t o = 0; o < Layer::out_extent; ++o)
    for (std::size_t i = 0; i < Layer::in_extent; ++i) layer.weight(o, i) = uniform(g, -s, s);
  for (std::size_t o = 0; o < Layer::out_extent; ++o) layer.bias(o) = uniform(g, -0.5f, 0.5f);
}


}  // namespace ctnn_test
