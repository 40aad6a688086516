// SPDX-License-Identifier: Apache-2.0
// quickstart: define a network by its type, initialise it, run it, and time
// one forward pass. Build: cmake --preset gcc && cmake --build build/gcc
//   ./build/gcc/examples/quickstart
#include <array>
#include <chrono>
#include <cstdio>
#include <ctnn/ctnn.hpp>

using Net = ctnn::network<ctnn::input<2>,                  // 2 inputs
                          ctnn::dense<16, ctnn::relu>,     // hidden layer, He init
                          ctnn::dense<16, ctnn::relu>,     // hidden layer, He init
                          ctnn::dense<1, ctnn::sigmoid>>;  // output, Glorot init

static_assert(Net::input_size == 2 && Net::output_size == 1);
static_assert(Net::parameter_count == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 1 + 1);

// The same network runs at compile time: a constant-weight net in a static_assert.
constexpr float compile_time_output() {
  Net net;
  ctnn::initialize(net, 42);
  return net.forward(std::array<float, 2>{0.5f, -1.0f})[0];
}
static_assert(compile_time_output() > 0.0f && compile_time_output() < 1.0f);

int main() {
  Net net;                   // parameters live inside the object: sizeof(net) is the model
  ctnn::initialize(net, 42);  // deterministic: same seed, same bits, everywhere

  std::printf("ctnn %d.%d.%d quickstart: 2-16-16-1 (relu, relu, sigmoid), %zu parameters, sizeof %zu bytes\n",
              CTNN_VERSION_MAJOR, CTNN_VERSION_MINOR, CTNN_VERSION_PATCH, Net::parameter_count, sizeof(Net));
  const std::array<std::array<float, 2>, 4> inputs = {{{0.5f, -1.0f}, {0.0f, 0.0f}, {1.0f, 1.0f}, {-2.0f, 0.25f}}};
  for (const auto& x : inputs) {
    const std::array<float, 1> y = net.forward(x);
    std::printf("  forward(% .2f, % .2f) = %.6f\n", static_cast<double>(x[0]), static_cast<double>(x[1]),
                static_cast<double>(y[0]));
  }
  std::printf("  compile-time forward(0.50, -1.00) = %.6f (same network, evaluated by the compiler)\n",
              static_cast<double>(compile_time_output()));

  // Latency: each call's input depends on the previous output, so calls
  // cannot overlap. For real measurements use tools/bench.
  constexpr int calls = 2'000'000;
  std::array<float, 2> x{0.5f, -1.0f};
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) x[0] = net.forward(x)[0];
  const auto t1 = std::chrono::steady_clock::now();
  const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / calls;
  std::printf("  latency: %.1f ns per forward (dependency chain, %d calls, final %.4f)\n", ns, calls,
              static_cast<double>(x[0]));
  return 0;
}
