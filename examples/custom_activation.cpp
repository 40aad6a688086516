// SPDX-License-Identifier: Apache-2.0
// A user-defined activation in a network: LeCun's scaled tanh
// (examples/extend/lecun_tanh.hpp) trained on the two-spirals task next to
// the built-in tanh. The type is all ctnn needs — no registration, no
// library change. Its gradient is checked by finite differences in
// tests/extend.test.cpp.
//
//   ./build/gcc/examples/custom_activation
#include <ctnn/ctnn.hpp>
#include <cstdio>

#include "extend/lecun_tanh.hpp"
#include "spirals.hpp"

namespace {
constexpr std::size_t kBatch = 32;

/// Test accuracy of `net` on `points`.
template <class Net>
double accuracy(const Net& net, const examples::spiral_points& points) {
  std::size_t correct = 0;
  for (std::size_t i = 0; i < points.y.size(); ++i) {
    const auto p = net.forward(std::array<float, 2>{points.x[2 * i], points.x[2 * i + 1]});
    correct += static_cast<std::size_t>(p[1] > p[0]) == points.y[i];
  }
  return static_cast<double>(correct) / static_cast<double>(points.y.size());
}

/// Trains Net with Adam for up to `epochs`; prints when test accuracy first
/// reaches 99 % and the final accuracy; returns the final accuracy.
template <class Net>
double train_spirals(const char* label, int epochs) {
  const auto train = examples::make_spirals(2048, 1);
  const auto test = examples::make_spirals(1024, 2);
  static Net net;
  ctnn::initialize(net, 7);
  ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, kBatch> tr{ctnn::adam{.learning_rate = 0.01f}};
  std::array<std::uint32_t, kBatch> y{};
  int reached = -1;
  for (int e = 1; e <= epochs; ++e) {
    for (std::size_t b = 0; b + kBatch <= train.y.size(); b += kBatch) {
      for (std::size_t k = 0; k < kBatch; ++k) y[k] = train.y[b + k];
      tr.step(net, std::span<const float, kBatch * 2>(train.x.data() + 2 * b, kBatch * 2),
              std::span<const std::uint32_t, kBatch>(y));
    }
    if (reached < 0 && accuracy(net, test) >= 0.99) reached = e;
  }
  const double acc = accuracy(net, test);
  std::printf("%-12s test accuracy %.2f%% after %d epochs (99%% first reached at epoch %d)\n", label, acc * 100,
              epochs, reached);
  return acc;
}
}  // namespace

int main() {
  using ctnn::dense;
  using Scaled = ctnn::network<ctnn::input<2>, dense<64, examples::lecun_tanh>, dense<64, examples::lecun_tanh>,
                               dense<2, ctnn::softmax>>;
  using Plain = ctnn::network<ctnn::input<2>, dense<64, ctnn::tanh>, dense<64, ctnn::tanh>, dense<2, ctnn::softmax>>;
  std::printf("two spirals, 2-64-64-2, Adam lr 0.01, batch 32, up to 150 epochs\n");
  const double scaled = train_spirals<Scaled>("lecun_tanh", 150);
  const double plain = train_spirals<Plain>("tanh", 150);
  // The example doubles as a test: the custom activation must learn the task.
  return scaled >= 0.95 && plain > 0.0 ? 0 : 1;
}
