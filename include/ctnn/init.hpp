// SPDX-License-Identifier: Apache-2.0
// ctnn/init.hpp — ctnn::initialize(net, seed): He-normal weights for layers
// followed by relu/leaky_relu, Glorot(Xavier)-normal for the others, zero
// biases. Deterministic and constexpr: the same seed gives bit-identical
// parameters on every target and compiler.
#pragma once

#include <cstdint>

#include "ctnn/activations.hpp"
#include "ctnn/detail/cmath.hpp"
#include "ctnn/layers/layer.hpp"
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

namespace detail {
/// One layer: a residual block initialises its body in order; a layer with
/// its own initialize(rng&) (batch_norm) uses it; dense layers draw their
/// weights ~ N(0, init_stddev²) in interchange order, biases 0; layers
/// without parameters (dropout) are left alone.
template <class Layer>
constexpr void initialize_layer(Layer& layer, rng& gen) noexcept {
  if constexpr (requires { layer.for_each_layer([](auto&) {}); }) {
    layer.for_each_layer([&](auto& inner) { initialize_layer(inner, gen); });
  } else if constexpr (requires { layer.initialize(gen); }) {
    layer.initialize(gen);
  } else if constexpr (is_dense_like<Layer>) {
    const double sd = init_stddev<Layer>();
    std::size_t k = 0;
    layer.for_each_parameter([&](float& p) {
      p = k < Layer::fan_in * Layer::fan_out ? static_cast<float>(sd * gen.normal()) : 0.0f;
      ++k;
    });
  }
}
}  // namespace detail

/// Initialises every layer of `net` from `seed`, in order: dense weights
/// ~ N(0, init_stddev²) (never all zero), biases 0; batch_norm γ = 1, β = 0,
/// running mean 0, variance 1; residual blocks layer by layer. Never allocates.
template <class Net>
constexpr void initialize(Net& net, std::uint64_t seed) noexcept {
  rng gen(seed);
  for_each_layer(net, [&]<class Layer>(Layer& layer) { detail::initialize_layer(layer, gen); });
}

}  // namespace ctnn
