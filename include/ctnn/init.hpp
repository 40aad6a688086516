// SPDX-License-Identifier: Apache-2.0
// ctnn/init.hpp — ctnn::initialize(net, seed): every layer initialises
// itself from one generator, in layer order (dense: He-normal weights for
// layers followed by relu/leaky_relu, Glorot(Xavier)-normal for the others,
// zero biases; see ctnn::init_stddev in layers/dense.hpp). Deterministic and
// constexpr: the same seed gives bit-identical parameters on every target
// and compiler.
#pragma once

#include <cstdint>

#include "ctnn/parameters.hpp"
#include "ctnn/random.hpp"

namespace ctnn {

namespace detail {
/// One layer: its own initialize(rng&) if it has one (dense: He/Glorot;
/// batch_norm: PyTorch's reset; residual: its body in order); layers
/// without one (dropout, activation) are left alone.
template <class Layer>
constexpr void initialize_layer(Layer& layer, rng& gen) noexcept {
  if constexpr (requires { layer.initialize(gen); }) layer.initialize(gen);
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
