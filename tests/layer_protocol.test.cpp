// SPDX-License-Identifier: Apache-2.0
// The layer protocol (ctnn/layers/layer.hpp): a stateful user layer (an
// exponential moving average, tests/support/ema_layer.hpp) on the
// constant-expression and the static SIMD paths (the dynamic-dispatch path:
// tests/dynamic); ctnn::activation<Act> as a layer of its own (forward,
// backprop, names); ctnn::backprop without an optimizer; ctnn::evaluate.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ema_layer.hpp"
#include "gradient_check.hpp"
#include "test_util.hpp"

using namespace ctnn_test;

namespace {
using Ema = ctnn::network<ctnn::input<3>, ema<1, 2>>;
using EmaNet = ctnn::network<ctnn::input<5>, ctnn::dense<19, ctnn::tanh>, ema<1, 4>, ctnn::dense<3>>;
using Stateless = ctnn::network<ctnn::input<5>, ctnn::dense<19, ctnn::tanh>, ctnn::dense<3>>;
using EmaInBlock = ctnn::network<ctnn::input<5>, ctnn::residual<ctnn::dense<5>, ema<3, 4>>, ctnn::dense<2>>;

static_assert(Ema::is_stateful && EmaNet::is_stateful && EmaInBlock::is_stateful && !Stateless::is_stateful);
// A stateless network keeps its const forward; a stateful one's forward is a
// time step and needs a mutable network.
template <class N>
concept const_forward = requires(const N& n, std::array<float, N::input_size> x) { n.forward(x); };
template <class N>
concept mutable_forward = requires(N& n, std::array<float, N::input_size> x) { n.forward(x); };
static_assert(const_forward<Stateless> && !const_forward<EmaNet> && mutable_forward<EmaNet>);
// State is not a parameter and not a buffer.
static_assert(Ema::parameter_count == 0 && Ema::buffer_count == 0);

/// Three steps of x = 1 from the zero state, then reset() and one more.
constexpr std::array<float, 4> ema_steps() {
  Ema net;
  const std::array<float, 3> x{1.0f, 2.0f, -4.0f};
  std::array<float, 4> out{};
  for (int t = 0; t < 3; ++t) out[t] = net.forward(x)[0];
  net.reset();
  out[3] = net.forward(x)[0];
  return out;
}
// α = 1/2: 0.5, 0.75, 0.875 (exact in float), and 0.5 again after reset().
static_assert(ema_steps() == std::array<float, 4>{0.5f, 0.75f, 0.875f, 0.5f});

template <class Net>
std::unique_ptr<Net> make_net(std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  return net;
}
}  // namespace

TEST_CASE("layer protocol: a stateful layer steps and resets on the static SIMD path as on the scalar one",
          "[protocol][state]") {
  auto net = make_net<EmaNet>(3);
  auto ref = std::make_unique<EmaNet>(*net);  // same parameters, own state
  ctnn::rng g(4);
  std::vector<std::array<float, 5>> xs(12);
  for (auto& x : xs)
    for (auto& v : x) v = uniform(g, -1.0f, 1.0f);
  auto run = [&](int steps) {
    for (int t = 0; t < steps; ++t) {
      const auto y = net->forward(xs[static_cast<std::size_t>(t)]);
      std::array<float, 3> r{};
      ref->forward_reference(ref->states(), xs[static_cast<std::size_t>(t)].data(), r.data());
      for (std::size_t o = 0; o < 3; ++o) CHECK(y[o] == Approx(r[o]).epsilon(1e-5).margin(1e-6));
    }
  };
  run(12);
  // The state moved: the same input now gives another output than at step 0.
  const auto first = [&] {
    auto fresh = std::make_unique<EmaNet>(*net);
    fresh->reset();
    return fresh->forward(xs[0]);
  }();
  CHECK(net->forward(xs[0]) != first);
  net->reset();
  ref->reset();
  CHECK(net->forward(xs[0]) == first);  // reset() = a fresh network
  net->reset();
  run(12);
}

TEST_CASE("layer protocol: state inside a residual block is the block's and resets with the network",
          "[protocol][state]") {
  auto net = make_net<EmaInBlock>(5);
  const std::array<float, 5> x{0.5f, -1.0f, 0.25f, 2.0f, 1.0f};
  const auto y0 = net->forward(x);
  const auto y1 = net->forward(x);
  CHECK(y0 != y1);  // the EMA inside the block advanced
  std::array<float, 2> r{};
  auto ref = std::make_unique<EmaInBlock>(*net);
  ref->reset();
  ref->forward_reference(ref->states(), x.data(), r.data());
  CHECK(y0[0] == Approx(r[0]).epsilon(1e-5).margin(1e-6));
  net->reset();
  CHECK(net->forward(x) == y0);
  CHECK(ctnn::topology_name<EmaInBlock>() == "5-res[5(identity)-ema]-2(identity)");
}

TEST_CASE("activation layer: dense<U> then activation<Act> equals the fused dense<U, Act>", "[protocol][activation]") {
  using Split = ctnn::network<ctnn::input<7>, ctnn::dense<20>, ctnn::activation<ctnn::gelu>, ctnn::dense<33>,
                              ctnn::activation<ctnn::tanh>, ctnn::dense<4>, ctnn::activation<ctnn::softmax>>;
  using Fused = ctnn::network<ctnn::input<7>, ctnn::dense<20, ctnn::gelu>, ctnn::dense<33, ctnn::tanh>,
                              ctnn::dense<4, ctnn::softmax>>;
  static_assert(Split::parameter_count == Fused::parameter_count);
  auto split = make_net<Split>(8);
  auto fused = std::make_unique<Fused>();
  std::vector<float> p(Fused::parameter_count);
  ctnn::get_parameters(*split, std::span<float, Split::parameter_count>(p.data(), p.size()));
  ctnn::set_parameters(*fused, std::span<const float, Fused::parameter_count>(p.data(), p.size()));
  ctnn::rng g(9);
  for (int s = 0; s < 20; ++s) {
    std::array<float, 7> x{};
    for (auto& v : x) v = uniform(g, -2.0f, 2.0f);
    const auto a = split->forward(x), b = fused->forward(x);
    std::array<float, 4> r{};
    ctnn::reference::forward(*split, x.data(), r.data());
    for (std::size_t o = 0; o < 4; ++o) {
      CHECK(a[o] == Approx(b[o]).epsilon(1e-6).margin(1e-7));
      CHECK(a[o] == Approx(r[o]).epsilon(1e-5).margin(1e-6));
    }
  }
  CHECK(ctnn::topology_name<Split>() == "7-20(identity)-gelu-33(identity)-tanh-4(identity)-softmax");
  CHECK(ctnn::network_signature<Split>().find("ctnn::activation<ctnn::gelu>") != std::string::npos);
}

TEST_CASE("activation layer: backpropagates (finite differences), as the output layer with a fused loss too",
          "[protocol][activation][fd]") {
  check_gradient<ctnn::network<ctnn::input<5>, ctnn::dense<12>, ctnn::activation<ctnn::tanh>, ctnn::dense<3>>,
                 ctnn::mse, 4>(targets::real, 21);
  check_gradient<ctnn::network<ctnn::input<4>, ctnn::dense<9>, ctnn::activation<ctnn::relu>, ctnn::dense<5>,
                               ctnn::activation<ctnn::softmax>>,
                 ctnn::cross_entropy, 6>(targets::labels, 22);
  check_gradient<ctnn::network<ctnn::input<6>, ctnn::dense<10>, ctnn::activation<ctnn::sigmoid>>,
                 ctnn::binary_cross_entropy, 5>(targets::binary, 23);
}

TEST_CASE("backprop: gradients without naming an optimizer, equal to the trainer's", "[protocol][backprop]") {
  using Net = ctnn::network<ctnn::input<6>, ctnn::dense<16, ctnn::relu>, ctnn::batch_norm<>, ctnn::dense<3, ctnn::softmax>>;
  auto net = make_net<Net>(12);
  const auto d = make_batch<Net>(8, targets::labels, 13);
  auto bp = std::make_unique<ctnn::backprop<Net, ctnn::cross_entropy, 8>>();
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, 8>>();
  std::vector<float> g1(Net::parameter_count), g2(Net::parameter_count);
  const std::span<const float, 8 * 6> xs(d.x.data(), d.x.size());
  const std::span<const std::uint32_t, 8> ys(d.labels.data(), 8);
  const float l1 = bp->gradient(*net, xs, ys, std::span<float, Net::parameter_count>(g1.data(), g1.size()));
  const float l2 = tr->gradient(*net, xs, ys, std::span<float, Net::parameter_count>(g2.data(), g2.size()));
  CHECK(l1 == l2);
  CHECK(g1 == g2);
  CHECK(bp->loss(*net, xs, ys) == l1);
}

TEST_CASE("evaluate: the eval-mode loss (running statistics, no dropout), not the trainer's train-mode one",
          "[protocol][evaluate]") {
  using Net = ctnn::network<ctnn::input<4>, ctnn::dense<12, ctnn::relu>, ctnn::batch_norm<>, ctnn::dropout<1, 2>,
                            ctnn::dense<3, ctnn::softmax>>;
  auto net = make_net<Net>(14);
  std::array<float, Net::buffer_count> buf{};
  for (std::size_t k = 0; k < buf.size(); ++k) buf[k] = 0.25f + static_cast<float>(k % 5) / 8.0f;
  ctnn::set_buffers(*net, std::span<const float, Net::buffer_count>(buf));
  const auto d = make_batch<Net>(16, targets::labels, 15);
  const auto p = make_batch<Net>(16, targets::probs, 15);
  // The reference: forward() per sample (eval mode), then the loss by hand.
  double ce = 0, mse_sum = 0;
  for (std::size_t b = 0; b < 16; ++b) {
    std::array<float, 4> x{};
    std::copy_n(d.x.begin() + static_cast<std::ptrdiff_t>(4 * b), 4, x.begin());
    const auto y = net->forward(x);
    ce -= std::log(static_cast<double>(y[d.labels[b]]));
    for (std::size_t o = 0; o < 3; ++o) mse_sum += std::pow(static_cast<double>(y[o]) - p.t[3 * b + o], 2);
  }
  const double got_ce = ctnn::evaluate(*net, ctnn::cross_entropy{}, std::span<const float>(d.x),
                                       std::span<const std::uint32_t>(d.labels));
  CHECK(got_ce == Approx(ce / 16).epsilon(1e-5));
  const double got_mse =
      ctnn::evaluate(*net, ctnn::mse{}, std::span<const float>(d.x), std::span<const float>(p.t));
  CHECK(got_mse == Approx(mse_sum / 48).epsilon(1e-5));
  // The trainer's loss is the train-mode one: batch statistics and dropout.
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::cross_entropy, ctnn::sgd, 16>>();
  const float train_mode = tr->loss(*net, std::span<const float, 64>(d.x.data(), 64),
                                    std::span<const std::uint32_t, 16>(d.labels.data(), 16));
  CHECK(std::abs(train_mode - got_ce) > 1e-3);
  // Sizes that do not fit are refused, with the numbers.
  CHECK_THROWS_WITH(ctnn::evaluate(*net, ctnn::mse{}, std::span<const float>(d.x), std::span<const float>(p.t.data(), 47)),
                    Catch::Contains("47"));
}
