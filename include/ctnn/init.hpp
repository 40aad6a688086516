// SPDX-License-Identifier: Apache-2.0
// ctnn/init.hpp — ctnn::initialize(net, seed): He-normal weights for layers
// followed by relu/leaky_relu, Glorot(Xavier)-normal for the others, zero
// biases. Deterministic and constexpr: the same seed gives bit-identical
// parameters on every target and compiler.
#pragma once

#include <cstdint>

#include "ctnn/activations.hpp"
#include "ctnn/detail/cmath.hpp"
#include "ctnn/parameters.hpp"
#include "ctnn/random.hpp"

namespace ctnn {

/// Standard deviation of the initial weights of `Layer`:
/// He: sqrt(2 / ((1 + a²)·fan_in)) with a the leaky slope (0 for relu);
/// Glorot: sqrt(2 / (fan_in + fan_out)).
template <class Layer>
constexpr double init_stddev() noexcept {
  using Act = typename Layer::activation;
  if constexpr (Act::init == init_scheme::he) {
    double a = 0.0;
    if constexpr (detail::is_leaky_relu<Act>) a = Act::slope;
    return detail::sqrt(2.0 / ((1.0 + a * a) * static_cast<double>(Layer::fan_in)));
  } else {
    return detail::sqrt(2.0 / static_cast<double>(Layer::fan_in + Layer::fan_out));
  }
}

/// Initialises every layer of `net` from `seed`, in interchange order: weights
/// ~ N(0, init_stddev²) (never all zero), biases 0. Never allocates.
template <class Net>
constexpr void initialize(Net& net, std::uint64_t seed) noexcept {
  rng gen(seed);
  for_each_layer(net, [&]<class Layer>(Layer& layer) {
    const double sd = init_stddev<Layer>();
    std::size_t k = 0;
    layer.for_each_parameter([&](float& p) {
      p = k < Layer::fan_in * Layer::fan_out ? static_cast<float>(sd * gen.normal()) : 0.0f;
      ++k;
    });
  });
}

}  // namespace ctnn
