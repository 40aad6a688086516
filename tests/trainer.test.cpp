// SPDX-License-Identifier: Apache-2.0
// ctnn::trainer: backpropagation checked against finite differences of a
// double-precision reference (every activation, every loss, both layouts,
// awkward batch sizes), losses, clipping, determinism and bad targets.
#include "ctnn/trainer.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "nets.hpp"
#include "gradient_check.hpp"
#include "reference_loss.hpp"
#include "test_util.hpp"

using namespace ctnn_test;

namespace {
using ctnn::dense;
using ctnn::input;
using ctnn::network;
}  // namespace

TEST_CASE("backprop: relu + softmax/cross-entropy with class labels", "[trainer][fd]") {
  check_gradient<network<input<5>, dense<8, ctnn::relu>, dense<7, ctnn::relu>, dense<4, ctnn::softmax>>,
                 ctnn::cross_entropy, 6>(targets::labels, 1);
}

TEST_CASE("backprop: cross-entropy with probability targets", "[trainer][fd]") {
  check_gradient<network<input<4>, dense<16, ctnn::relu>, dense<3, ctnn::softmax>>, ctnn::cross_entropy, 4>(
      targets::probs, 2);
}

TEST_CASE("backprop: tanh + sigmoid/binary cross-entropy", "[trainer][fd]") {
  check_gradient<network<input<3>, dense<17, ctnn::tanh>, dense<2, ctnn::sigmoid>>, ctnn::binary_cross_entropy, 5>(
      targets::binary, 3);
}

TEST_CASE("backprop: leaky_relu + identity/mse", "[trainer][fd]") {
  check_gradient<network<input<4>, dense<20, ctnn::leaky_relu<1, 10>>, dense<3, ctnn::identity>>, ctnn::mse, 4>(
      targets::real, 4);
}

TEST_CASE("backprop: mse through softmax and a hidden sigmoid (unfused softmax backward)", "[trainer][fd]") {
  check_gradient<network<input<6>, dense<5, ctnn::sigmoid>, dense<3, ctnn::softmax>>, ctnn::mse, 3>(targets::probs,
                                                                                                   5);
}

TEST_CASE("backprop: hidden softmax layer", "[trainer][fd]") {
  check_gradient<network<input<3>, dense<6, ctnn::softmax>, dense<2, ctnn::identity>>, ctnn::mse, 5>(targets::real,
                                                                                                     6);
}

TEST_CASE("backprop: wide layers span several column blocks (70, 130 units)", "[trainer][fd]") {
  check_gradient<network<input<33>, dense<70, ctnn::relu>, dense<10, ctnn::softmax>>, ctnn::cross_entropy, 7>(
      targets::labels, 7);
  check_gradient<network<input<10>, dense<130, ctnn::tanh>, dense<20, ctnn::leaky_relu<1, 10>>,
                         dense<17, ctnn::sigmoid>, dense<5, ctnn::identity>>,
                 ctnn::mse, 9>(targets::real, 8);
}

TEST_CASE("backprop: dot layout forced on wide layers", "[trainer][fd]") {
  using L = ctnn::layout;
  check_gradient<network<input<7>, dense<20, ctnn::tanh, L::dot>, dense<18, ctnn::relu, L::dot>,
                         dense<3, ctnn::softmax, L::broadcast>>,
                 ctnn::cross_entropy, 5>(targets::labels, 9);
}

TEST_CASE("backprop: batch of one and the S1 topology", "[trainer][fd]") {
  check_gradient<S1, ctnn::binary_cross_entropy, 1>(targets::binary, 10);
  check_gradient<S1, ctnn::binary_cross_entropy, 13>(targets::binary, 11);
}

TEST_CASE("trainer: step decreases the loss and changes only via the optimizer", "[trainer]") {
  using Net = network<input<4>, dense<16, ctnn::relu>, dense<3, ctnn::softmax>>;
  Net net;
  ctnn::initialize(net, 1);
  const auto d = make_batch<Net>(8, targets::labels, 5);
  ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, 8> tr{ctnn::adam{.learning_rate = 0.01f}};
  const std::span<const float, 32> x(d.x.data(), 32);
  const std::span<const std::uint32_t, 8> y(d.labels.data(), 8);
  const float first = tr.step(net, x, y);
  float last = first;
  for (int i = 0; i < 200; ++i) last = tr.step(net, x, y);
  CHECK(tr.steps() == 201);
  CHECK(last < 0.1f * first);
  CHECK(tr.loss(net, x, y) == Approx(last).epsilon(0.05));
}

TEST_CASE("trainer: same seed and data give bit-identical parameters", "[trainer][determinism]") {
  using Net = S2;
  auto run = [] {
    auto net = std::make_unique<Net>();
    ctnn::initialize(*net, 77);
    auto tr = std::make_unique<ctnn::trainer<Net, ctnn::mse, ctnn::adamw, 16>>();
    for (int s = 0; s < 20; ++s) {
      const auto d = make_batch<Net>(16, targets::real, 1000 + s);
      tr->step(*net, std::span<const float, 256>(d.x.data(), 256), std::span<const float, 128>(d.t.data(), 128));
    }
    std::vector<float> p(Net::parameter_count);
    ctnn::get_parameters(*net, std::span<float, Net::parameter_count>(p.data(), p.size()));
    return p;
  };
  const auto a = run(), b = run();
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) REQUIRE(std::bit_cast<std::uint32_t>(a[k]) == std::bit_cast<std::uint32_t>(b[k]));
}

TEST_CASE("trainer: gradient clipping by global norm", "[trainer][clip]") {
  using Net = network<input<3>, dense<5, ctnn::tanh>, dense<2, ctnn::identity>>;
  Net net;
  ctnn::initialize(net, 3);
  const auto d = make_batch<Net>(4, targets::real, 9);
  const std::span<const float, 12> x(d.x.data(), 12);
  const std::span<const float, 8> y(d.t.data(), 8);
  std::array<float, Net::parameter_count> g{}, before{}, after{};
  ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 4> probe;
  probe.gradient(net, x, y, std::span<float, Net::parameter_count>(g));
  double norm = 0;
  for (float v : g) norm += static_cast<double>(v) * v;
  norm = std::sqrt(norm);
  REQUIRE(norm > 0.1);
  // Plain SGD with lr 1: the parameter change is exactly the clipped gradient.
  const float max_norm = static_cast<float>(norm / 4);
  ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 4> tr{ctnn::sgd{.learning_rate = 1.0f, .max_grad_norm = max_norm}};
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(before));
  tr.step(net, x, y);
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(after));
  double moved = 0;
  for (std::size_t k = 0; k < g.size(); ++k) moved += static_cast<double>(after[k] - before[k]) * (after[k] - before[k]);
  CHECK(std::sqrt(moved) == Approx(max_norm).epsilon(1e-4));
  // Direction unchanged.
  for (std::size_t k = 0; k < g.size(); ++k) CHECK((before[k] - after[k]) * g[k] >= 0.0f);
}

TEST_CASE("trainer: a class label out of range is an error, not UB", "[trainer][errors]") {
  using Net = network<input<2>, dense<4, ctnn::relu>, dense<3, ctnn::softmax>>;
  Net net;
  ctnn::initialize(net, 1);
  std::array<float, Net::parameter_count> before{}, after{};
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(before));
  ctnn::trainer<Net, ctnn::cross_entropy, ctnn::sgd, 2> tr;
  const std::array<float, 4> x{0.1f, 0.2f, 0.3f, 0.4f};
  const std::array<std::uint32_t, 2> bad{1, 3};
  CHECK_THROWS_AS(tr.step(net, x, bad), std::out_of_range);
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(after));
  CHECK(before == after);  // nothing was updated
}
