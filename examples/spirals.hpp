// SPDX-License-Identifier: Apache-2.0
// Two interleaved spirals: a small, embedded classification task (2 inputs,
// 2 classes) for the examples — the fallback of fashion_mnist when the data
// set is not installed, and the model behind examples/embed.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctnn/random.hpp>
#include <vector>

namespace examples {

struct spiral_points {
  std::vector<float> x;         // count × 2, row-major
  std::vector<std::uint8_t> y;  // class 0 or 1
};

/// `count` points, alternating classes, with a little Gaussian noise.
inline spiral_points make_spirals(std::size_t count, std::uint64_t seed) {
  constexpr double pi = 3.14159265358979323846;
  spiral_points d;
  ctnn::rng g(seed);
  for (std::size_t i = 0; i < count; ++i) {
    const int cls = static_cast<int>(i % 2);
    const double t = 0.5 + 3.0 * g.uniform();
    const double a = t * pi + cls * pi;
    d.x.push_back(static_cast<float>(t * std::cos(a) / 3.5 + 0.03 * g.normal()));
    d.x.push_back(static_cast<float>(t * std::sin(a) / 3.5 + 0.03 * g.normal()));
    d.y.push_back(static_cast<std::uint8_t>(cls));
  }
  return d;
}

}  // namespace examples
