// SPDX-License-Identifier: Apache-2.0
// xor: train a 2-4-1 network on XOR with backpropagation and Adam — once at
// run time, and once inside a constant expression (the compiler trains it;
// static_asserts check the result). Build: cmake --preset gcc &&
// cmake --build build/gcc --target xor && ./build/gcc/examples/xor
#include <array>
#include <cstdio>
#include <ctnn/ctnn.hpp>

using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<1, ctnn::sigmoid>>;
using Trainer = ctnn::trainer<Net, ctnn::binary_cross_entropy, ctnn::adam, /*Batch=*/4>;

constexpr std::array<float, 8> inputs{0, 0, 0, 1, 1, 0, 1, 1};  // 4 samples, row-major
constexpr std::array<float, 4> targets{0, 1, 1, 0};

// The whole training loop is constexpr: forward, loss, backward, Adam.
constexpr Net train(int steps) {
  Net net;
  ctnn::initialize(net, 1);
  Trainer tr{ctnn::adam{.learning_rate = 0.1f}};
  for (int s = 0; s < steps; ++s) tr.step(net, inputs, targets);
  return net;
}

// Trained by the compiler (60 steps fit g++'s default evaluation budget only
// when raised: this example builds with -fconstexpr-ops-limit / -steps, see
// examples/CMakeLists.txt).
constexpr Net compile_time_net = train(60);
static_assert(compile_time_net.forward(std::array<float, 2>{0, 1})[0] > 0.5f);
static_assert(compile_time_net.forward(std::array<float, 2>{1, 1})[0] < 0.5f);

int main() {
  static Net net;  // small here, but the habit matters: big nets go in static storage
  static Trainer tr{ctnn::adam{.learning_rate = 0.1f}};
  ctnn::initialize(net, 1);
  std::printf("ctnn xor: 2-4-1 (tanh, sigmoid), binary cross-entropy, Adam lr 0.1, batch 4\n");
  for (int s = 0; s <= 200; ++s) {
    const float loss = tr.step(net, inputs, targets);
    if (s % 40 == 0) std::printf("  step %3d  loss %.5f\n", s, static_cast<double>(loss));
  }
  for (int i = 0; i < 4; ++i) {
    const std::array<float, 2> x{inputs[2 * i], inputs[2 * i + 1]};
    std::printf("  xor(%g, %g) = %.4f (run-time training)   %.4f (compile-time training, 60 steps)\n",
                static_cast<double>(x[0]), static_cast<double>(x[1]), static_cast<double>(net.forward(x)[0]),
                static_cast<double>(compile_time_net.forward(x)[0]));
  }
  return 0;
}
