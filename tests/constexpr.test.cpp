// SPDX-License-Identifier: Apache-2.0
// network::forward inside constant expressions: a network with constant
// weights is built, run and checked by static_assert; the compile-time
// (scalar) and run-time (Highway) paths agree within 1e-6 relative.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>

#include "ctnn/ctnn.hpp"
#include "nets.hpp"

namespace {
using Net = ctnn_test::S1;  // 2-16-16-1, relu, relu, sigmoid

/// Constant weights in interchange order: a fixed, non-trivial pattern.
constexpr std::array<float, Net::parameter_count> weights() {
  std::array<float, Net::parameter_count> p{};
  for (std::size_t k = 0; k < p.size(); ++k) p[k] = static_cast<float>(static_cast<int>((k * 37) % 23) - 11) / 16.0f;
  return p;
}

constexpr Net make_net() {
  Net net;
  constexpr auto p = weights();
  ctnn::set_parameters(net, std::span<const float, Net::parameter_count>(p));
  return net;
}

constexpr std::array<std::array<float, 2>, 4> inputs = {{{0.5f, -1.0f}, {0.0f, 0.0f}, {1.0f, 1.0f}, {-2.0f, 0.25f}}};

constexpr std::array<float, 4> compile_time_outputs() {
  const Net net = make_net();
  std::array<float, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) out[i] = net.forward(inputs[i])[0];
  return out;
}

constexpr auto ct = compile_time_outputs();
// The sigmoid output is strictly inside (0, 1), and the inputs give distinct outputs.
static_assert(ct[0] > 0.0f && ct[0] < 1.0f && ct[1] > 0.0f && ct[1] < 1.0f);
static_assert(ct[0] != ct[2] && ct[1] != ct[3]);
// Exact value of a hand-computable case: input 0 leaves only the biases.
constexpr float zero_input_expected() {
  // Replay the network by hand with the interchange-order weights, in double.
  constexpr auto p = weights();
  double h1[16], h2[16];
  std::size_t k = 0;
  for (int o = 0; o < 16; ++o) k += 2;  // W1 (skipped: x = 0)
  for (int o = 0; o < 16; ++o) h1[o] = p[k + o] > 0 ? p[k + o] : 0.0;
  k += 16;
  for (int o = 0; o < 16; ++o) {
    double s = p[k + 256 + o];  // bias first, as the reference sums
    for (int i = 0; i < 16; ++i) s += static_cast<double>(p[k + o * 16 + i]) * h1[i];
    h2[o] = static_cast<float>(s) > 0 ? static_cast<float>(s) : 0.0;
  }
  k += 256 + 16;
  double s = p[k + 16];
  for (int i = 0; i < 16; ++i) s += static_cast<double>(p[k + i]) * h2[i];
  return static_cast<float>(ctnn::detail::sigmoid(static_cast<float>(s)));
}
static_assert(ct[1] == zero_input_expected(), "compile-time forward must equal the hand-replayed network");
}  // namespace

TEST_CASE("constexpr: compile-time and SIMD forward agree within 1e-6 relative", "[constexpr]") {
  const Net net = make_net();
  for (std::size_t i = 0; i < 4; ++i) {
    const float rt = net.forward(inputs[i])[0];
    INFO("input " << i << ": compile-time " << ct[i] << " run-time " << rt);
    CHECK(std::abs(rt - ct[i]) <= 1e-6f * std::abs(ct[i]));
  }
}

TEST_CASE("constexpr: initialize + forward run at compile time", "[constexpr][init]") {
  constexpr float y = [] {
    ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<2, ctnn::softmax>> net;
    ctnn::initialize(net, 5);
    const auto out = net.forward(std::array<float, 3>{0.1f, 0.2f, 0.3f});
    return out[0] + out[1];
  }();
  STATIC_REQUIRE(y > 0.999f);
  STATIC_REQUIRE(y < 1.001f);
}

/// The four inputs as one batch through forward_batch (compile or run time).
constexpr std::array<float, 4> batch_outputs() {
  const Net net = make_net();
  std::array<float, 8> x{};
  for (std::size_t i = 0; i < 4; ++i) {
    x[2 * i] = inputs[i][0];
    x[2 * i + 1] = inputs[i][1];
  }
  std::array<float, 4> y{};
  net.forward_batch(std::span<const float, 8>(x), std::span<float, 4>(y));
  return y;
}

TEST_CASE("constexpr: forward_batch runs at compile time and equals forward", "[constexpr][batch]") {
  constexpr auto batch = batch_outputs();
  static_assert(batch == ct, "compile-time forward_batch must equal compile-time forward");
  const auto y = batch_outputs();  // run time: the SIMD batch kernel
  for (std::size_t i = 0; i < 4; ++i) CHECK(std::abs(y[i] - ct[i]) <= 1e-6f * std::abs(ct[i]));
}
