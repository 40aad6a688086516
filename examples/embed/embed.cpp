// SPDX-License-Identifier: Apache-2.0
// embed: a trained model compiled into the program. spiral_model.hpp was
// written by ctnn::export_header (regenerate: see make_model.cpp); it holds
// the parameters as constexpr data, `spiral_model::network` (built at program
// start) and `spiral_model::make_network()` (the same network, built by the
// compiler), so there is no file I/O, the weights live in read-only data, and
// the model can even be evaluated by the compiler.
#include <array>
#include <cstdio>

#include "spiral_model.hpp"

// The compiler runs the model: a point on each spiral arm, classified at
// compile time.
constexpr spiral_model::network_type compile_time_model = spiral_model::make_network();
constexpr std::array<float, 2> arm0{-0.2857f, 0.0f};  // t = 1 on spiral 0
constexpr std::array<float, 2> arm1{0.2857f, 0.0f};   // t = 1 on spiral 1
static_assert(compile_time_model.forward(arm0)[0] > 0.9f, "the embedded model puts arm0 on spiral 0");
static_assert(compile_time_model.forward(arm1)[1] > 0.9f, "the embedded model puts arm1 on spiral 1");

int main() {
  std::printf("embedded model: %s\n", "spiral_model::network_type (2-16-16-2, tanh, tanh, softmax)");
  std::printf("  %zu parameters in read-only data, %zu bytes\n", spiral_model::network_type::parameter_count,
              sizeof(spiral_model::parameters));
  const std::array<std::array<float, 2>, 4> points = {{arm0, arm1, {0.0f, 0.5f}, {-0.4f, -0.4f}}};
  for (const auto& x : points) {
    const auto p = spiral_model::network.forward(x);  // run time: Highway kernels
    std::printf("  (% .3f, % .3f) -> spiral %d (p = %.4f, %.4f)\n", static_cast<double>(x[0]),
                static_cast<double>(x[1]), p[1] > p[0] ? 1 : 0, static_cast<double>(p[0]), static_cast<double>(p[1]));
  }
  constexpr auto at_compile_time = compile_time_model.forward(arm0);
  std::printf("  compile-time forward(arm0) = (%.4f, %.4f)\n", static_cast<double>(at_compile_time[0]),
              static_cast<double>(at_compile_time[1]));
  return 0;
}
