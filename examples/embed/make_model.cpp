// SPDX-License-Identifier: Apache-2.0
// Trains the small two-spirals classifier behind examples/embed and exports
// it as a header. Regenerate the committed header with:
//   cmake --build build/gcc --target embed_make_model && ./build/gcc/examples/embed_make_model examples/embed/spiral_model.hpp
#include <array>
#include <cstdio>
#include <ctnn/ctnn.hpp>

#include "../spirals.hpp"

using Net = ctnn::network<ctnn::input<2>, ctnn::dense<16, ctnn::tanh>, ctnn::dense<16, ctnn::tanh>,
                          ctnn::dense<2, ctnn::softmax>>;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: embed_make_model OUTPUT.hpp\n");
    return 2;
  }
  static Net net;
  static ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, 32> tr{ctnn::adam{.learning_rate = 0.01f}};
  ctnn::initialize(net, 7);
  const auto data = examples::make_spirals(4096, 7);
  std::array<float, 64> x{};
  std::array<std::uint32_t, 32> y{};
  for (int epoch = 0; epoch < 60; ++epoch) {
    for (std::size_t b = 0; b + 32 <= 4096; b += 32) {
      for (std::size_t s = 0; s < 32; ++s) {
        x[2 * s] = data.x[2 * (b + s)];
        x[2 * s + 1] = data.x[2 * (b + s) + 1];
        y[s] = data.y[b + s];
      }
      tr.step(net, x, y);
    }
  }
  const auto test = examples::make_spirals(1000, 8);
  int correct = 0;
  for (std::size_t i = 0; i < 1000; ++i) {
    const auto p = net.forward(std::array<float, 2>{test.x[2 * i], test.x[2 * i + 1]});
    correct += (p[1] > p[0] ? 1 : 0) == test.y[i];
  }
  ctnn::export_header(net, argv[1], "spiral_model");
  std::printf("two-spirals model: %.1f%% test accuracy; wrote %s\n", correct / 10.0, argv[1]);
  return 0;
}
