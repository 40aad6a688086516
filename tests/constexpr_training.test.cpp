// SPDX-License-Identifier: Apache-2.0
// Training inside a constant expression: a 2-4-1 network learns XOR while the
// compiler evaluates it, and static_asserts check all four outputs.
//
// This TU alone raises the compile-time evaluation budget (CMake sets
// -fconstexpr-ops-limit=2^30 on g++ and -fconstexpr-steps=2^30 on clang; the
// defaults are 2^25 and 2^20): 60 Adam steps of forward + backward on 4
// samples take about 1.2e8 g++ operations.
#include <array>
#include <cstdint>
#include <catch2/catch.hpp>

#include "ctnn/ctnn.hpp"

namespace {
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<1, ctnn::sigmoid>>;
constexpr std::array<float, 8> xor_x{0, 0, 0, 1, 1, 0, 1, 1};
constexpr std::array<float, 4> xor_y{0, 1, 1, 0};
constexpr int kSteps = 60;

struct result {
  std::array<float, 4> out{};
  float first_loss = 0, last_loss = 0;
};

constexpr result train_xor() {
  Net net;
  ctnn::initialize(net, 1);
  ctnn::trainer<Net, ctnn::binary_cross_entropy, ctnn::adam, 4> tr{ctnn::adam{.learning_rate = 0.1f}};
  result r;
  for (int s = 0; s < kSteps; ++s) {
    const float l = tr.step(net, xor_x, xor_y);
    if (s == 0) r.first_loss = l;
    r.last_loss = l;
  }
  for (int i = 0; i < 4; ++i) r.out[i] = net.forward(std::array<float, 2>{xor_x[2 * i], xor_x[2 * i + 1]})[0];
  return r;
}

constexpr result ct = train_xor();
static_assert(ct.out[0] < 0.5f, "XOR(0,0) must round to 0");
static_assert(ct.out[1] > 0.5f, "XOR(0,1) must round to 1");
static_assert(ct.out[2] > 0.5f, "XOR(1,0) must round to 1");
static_assert(ct.out[3] < 0.5f, "XOR(1,1) must round to 0");
static_assert(ct.last_loss < 0.1f * ct.first_loss, "training must reduce the loss");
}  // namespace

TEST_CASE("constexpr training: XOR learnt at compile time equals run-time training", "[constexpr][trainer]") {
  const result rt = train_xor();  // same code, Highway kernels
  for (int i = 0; i < 4; ++i) {
    INFO("output " << i << ": compile time " << ct.out[i] << ", run time " << rt.out[i]);
    CHECK(rt.out[i] == Approx(ct.out[i]).epsilon(1e-4).margin(1e-5));
  }
  CHECK(rt.last_loss == Approx(ct.last_loss).epsilon(1e-3));
}

namespace {
// The new layers at compile time too: batch norm (batch statistics, running
// statistics committed per step), a residual block, dropout, gelu/silu.
using Deep = ctnn::network<ctnn::input<2>, ctnn::dense<6, ctnn::gelu>, ctnn::batch_norm<>,
                           ctnn::residual<ctnn::dense<4, ctnn::silu>, ctnn::dense<6>>, ctnn::dropout<1, 10, 3>,
                           ctnn::dense<1, ctnn::sigmoid>>;
struct deep_result {
  float first_loss = 0, last_loss = 0, running_var0 = 0;
  std::array<float, 4> out{};
};
constexpr deep_result train_deep() {
  Deep net;
  ctnn::initialize(net, 2);
  ctnn::trainer<Deep, ctnn::binary_cross_entropy, ctnn::adam, 4> tr{ctnn::adam{.learning_rate = 0.05f}};
  deep_result r;
  for (int s = 0; s < 30; ++s) {
    const float l = tr.step(net, xor_x, xor_y);
    if (s == 0) r.first_loss = l;
    r.last_loss = l;
  }
  r.running_var0 = net.layer<1>().running_var(0);
  for (int i = 0; i < 4; ++i) r.out[i] = net.forward(std::array<float, 2>{xor_x[2 * i], xor_x[2 * i + 1]})[0];
  return r;
}
constexpr deep_result deep_ct = train_deep();
static_assert(deep_ct.last_loss < 0.5f * deep_ct.first_loss, "training must reduce the loss");
static_assert(deep_ct.running_var0 != 1.0f, "batch norm's running variance must have moved");
}  // namespace

TEST_CASE("constexpr training: batch_norm, residual and dropout train at compile time like at run time",
          "[constexpr][trainer][layers]") {
  const deep_result rt = train_deep();
  CHECK(rt.last_loss == Approx(deep_ct.last_loss).epsilon(1e-3));
  CHECK(rt.running_var0 == Approx(deep_ct.running_var0).epsilon(1e-4));
  for (int i = 0; i < 4; ++i) CHECK(rt.out[i] == Approx(deep_ct.out[i]).epsilon(1e-3).margin(1e-5));
}

namespace {
// Backpropagation through time at compile time: a GRU of 3 units learns to
// delay a ±1 signal by two steps — it must hold the last two inputs in its
// state. 150 windows of 6 steps of 2 streams (the state carried from window
// to window), Adam; then a fresh stream of 32 samples through the streaming
// forward. About 1.5e8 g++ operations (the TU's raised budget).
using Delay = ctnn::network<ctnn::input<1>, ctnn::gru<3>, ctnn::dense<1>>;
constexpr float next_sign(std::uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return (s >> 31) != 0 ? 1.0f : -1.0f;
}
struct delay_result {
  float first_loss = 0, last_loss = 0, test_mse = 0;
};
constexpr delay_result train_delay() {
  constexpr std::size_t B = 2, T = 6;
  Delay net;
  ctnn::initialize(net, 3);
  ctnn::sequence_trainer<Delay, ctnn::mse, ctnn::adam, B, T> tr{ctnn::adam{.learning_rate = 0.1f}};
  std::uint32_t seed = 7;
  std::array<std::array<float, 2>, B> last{};  // each stream's two previous inputs
  delay_result r;
  for (int w = 0; w < 150; ++w) {
    std::array<float, B * T> x{}, y{};
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t t = 0; t < T; ++t) {
        x[b * T + t] = next_sign(seed);
        y[b * T + t] = last[b][0];
        last[b] = {last[b][1], x[b * T + t]};
      }
    const float l = tr.step(net, x, y);
    if (w == 0) r.first_loss = l;
    r.last_loss = l;
  }
  float older = 0, old = 0, err = 0;
  for (int t = 0; t < 32; ++t) {
    const float v = next_sign(seed);
    const float out = net.forward(std::array<float, 1>{v})[0];
    if (t >= 2) err += (out - older) * (out - older);
    older = old;
    old = v;
  }
  r.test_mse = err / 30;
  return r;
}
constexpr delay_result delay_ct = train_delay();
static_assert(delay_ct.last_loss < 0.01f * delay_ct.first_loss, "BPTT must reduce the loss a hundredfold");
static_assert(delay_ct.test_mse < 0.01f, "the GRU must have learnt to delay a fresh signal by two steps");
}  // namespace

TEST_CASE("constexpr training: a GRU learns a two-step delay through time at compile time as at run time",
          "[constexpr][sequence_training]") {
  const delay_result rt = train_delay();  // same code, Highway kernels
  INFO("compile time: loss " << delay_ct.first_loss << " -> " << delay_ct.last_loss << ", test mse "
                             << delay_ct.test_mse << "; run time: test mse " << rt.test_mse);
  CHECK(rt.test_mse < 0.01f);
  CHECK(rt.last_loss == Approx(delay_ct.last_loss).epsilon(1e-2).margin(1e-5));
}
