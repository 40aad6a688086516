// SPDX-License-Identifier: Apache-2.0
// Training parity with PyTorch: loss, gradients and parameters after 3 steps
// of every optimizer, against fixtures written by
// tools/fixtures/make_training_fixtures.py (committed under tests/golden).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "fixture.hpp"
#include "nets.hpp"

using namespace ctnn_test;
using ctnn::dense;
using ctnn::input;
using ctnn::network;

namespace {
template <class Net, class Loss, std::size_t B, class Opt>
std::vector<float> steps3(const fixture& f, const Opt& opt) {
  auto net = std::make_unique<Net>();
  const auto p0 = f.as<float>("params");
  ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p0.data(), p0.size()));
  auto tr = std::make_unique<ctnn::trainer<Net, Loss, Opt, B>>(opt);
  const auto x = f.as<float>("x");
  for (int s = 0; s < 3; ++s) {
    if constexpr (std::is_same_v<Loss, ctnn::cross_entropy>) {
      if (f.values.count("labels")) {
        const auto y = f.as<std::uint32_t>("labels");
        tr->step(*net, std::span<const float, B * Net::input_size>(x.data(), x.size()),
                 std::span<const std::uint32_t, B>(y.data(), B));
        continue;
      }
    }
    {
      const auto y = f.as<float>("targets");
      tr->step(*net, std::span<const float, B * Net::input_size>(x.data(), x.size()),
               std::span<const float, B * Net::output_size>(y.data(), y.size()));
    }
  }
  std::vector<float> p(Net::parameter_count);
  ctnn::get_parameters(*net, std::span<float, Net::parameter_count>(p.data(), p.size()));
  return p;
}

template <class Net, class Loss, std::size_t B>
void check_case(const std::string& name) {
  const auto f = fixture::load(std::string(CTNN_GOLDEN_DIR) + "/train_" + name + ".txt");
  REQUIRE(f["params"].size() == Net::parameter_count);
  REQUIRE(f["x"].size() == B * Net::input_size);
  auto net = std::make_unique<Net>();
  const auto p0 = f.as<float>("params");
  ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p0.data(), p0.size()));
  auto tr = std::make_unique<ctnn::trainer<Net, Loss, ctnn::sgd, B>>();
  std::vector<float> g(Net::parameter_count);
  const auto x = f.as<float>("x");
  float loss = 0;
  const std::span<const float, B * Net::input_size> xs(x.data(), x.size());
  const std::span<float, Net::parameter_count> gs(g.data(), g.size());
  bool done = false;
  if constexpr (std::is_same_v<Loss, ctnn::cross_entropy>) {
    if (f.values.count("labels")) {
      const auto y = f.as<std::uint32_t>("labels");
      loss = tr->gradient(*net, xs, std::span<const std::uint32_t, B>(y.data(), B), gs);
      done = true;
    }
  }
  if (!done) {
    const auto y = f.as<float>("targets");
    loss = tr->gradient(*net, xs, std::span<const float, B * Net::output_size>(y.data(), y.size()), gs);
  }
  const double ref_loss = f["loss"][0];
  INFO(name << ": loss " << loss << " torch " << ref_loss);
  CHECK(std::abs(loss - ref_loss) <= 1e-5 * std::abs(ref_loss));
  const double ge = rel_error(g, f["grad"]);
  INFO(name << ": gradient relative error " << ge);
  CHECK(ge <= 1e-5);

  const double e_sgd = rel_error(steps3<Net, Loss, B>(f, ctnn::sgd{.learning_rate = 0.1f}), f["sgd"]);
  const double e_mom = rel_error(steps3<Net, Loss, B>(f, ctnn::sgd{.learning_rate = 0.1f, .momentum = 0.9f}),
                                 f["sgd_momentum"]);
  const double e_nest = rel_error(
      steps3<Net, Loss, B>(f, ctnn::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true, .weight_decay = 0.01f}),
      f["sgd_nesterov"]);
  const double e_adam = rel_error(steps3<Net, Loss, B>(f, ctnn::adam{.learning_rate = 0.01f}), f["adam"]);
  const double e_adamw =
      rel_error(steps3<Net, Loss, B>(f, ctnn::adamw{.learning_rate = 0.01f, .weight_decay = 0.1f}), f["adamw"]);
  INFO(name << ": after 3 steps, sgd " << e_sgd << " momentum " << e_mom << " nesterov " << e_nest << " adam "
            << e_adam << " adamw " << e_adamw);
  CHECK(e_sgd <= 1e-4);
  CHECK(e_mom <= 1e-4);
  CHECK(e_nest <= 1e-4);
  CHECK(e_adam <= 1e-4);
  CHECK(e_adamw <= 1e-4);
  // torch.optim.RMSprop, and with momentum + centered + weight decay (both
  // with eps 1e-3: see tools/fixtures/make_training_fixtures.py).
  const double e_rms =
      rel_error(steps3<Net, Loss, B>(f, ctnn::rmsprop{.learning_rate = 0.01f, .epsilon = 1e-3f}), f["rmsprop"]);
  const double e_rms_all = rel_error(
      steps3<Net, Loss, B>(f, ctnn::rmsprop{.learning_rate = 0.01f, .epsilon = 1e-3f, .weight_decay = 0.01f,
                                            .momentum = 0.9f, .centered = true}),
      f["rmsprop_all"]);
  INFO(name << ": after 3 steps, rmsprop " << e_rms << " rmsprop (momentum, centered, decay) " << e_rms_all);
  CHECK(e_rms <= 1e-4);
  CHECK(e_rms_all <= 1e-4);
  WARN(name << ": loss err " << std::abs(loss - ref_loss) / std::abs(ref_loss) << ", grad " << ge << ", sgd "
            << e_sgd << ", momentum " << e_mom << ", nesterov " << e_nest << ", adam " << e_adam << ", adamw "
            << e_adamw << ", rmsprop " << e_rms << ", rmsprop_all " << e_rms_all);
}
}  // namespace

TEST_CASE("pytorch: relu layers, cross-entropy on class labels", "[pytorch]") {
  check_case<network<input<5>, dense<8, ctnn::relu>, dense<7, ctnn::relu>, dense<4, ctnn::softmax>>,
             ctnn::cross_entropy, 6>("relu_ce_labels");
}
TEST_CASE("pytorch: cross-entropy on probability targets", "[pytorch]") {
  check_case<network<input<4>, dense<16, ctnn::relu>, dense<3, ctnn::softmax>>, ctnn::cross_entropy, 4>(
      "relu_ce_probs");
}
TEST_CASE("pytorch: tanh layer, BCE with logits", "[pytorch]") {
  check_case<network<input<3>, dense<17, ctnn::tanh>, dense<2, ctnn::sigmoid>>, ctnn::binary_cross_entropy, 5>(
      "tanh_bce");
}
TEST_CASE("pytorch: leaky_relu layer, MSE", "[pytorch]") {
  check_case<network<input<4>, dense<20, ctnn::leaky_relu<1, 10>>, dense<3, ctnn::identity>>, ctnn::mse, 4>(
      "leaky_mse");
}
TEST_CASE("pytorch: sigmoid layer, MSE on a softmax output", "[pytorch]") {
  check_case<network<input<6>, dense<5, ctnn::sigmoid>, dense<3, ctnn::softmax>>, ctnn::mse, 3>(
      "sigmoid_softmax_mse");
}
TEST_CASE("pytorch: S1 topology, BCE", "[pytorch]") { check_case<S1, ctnn::binary_cross_entropy, 8>("s1_bce"); }
TEST_CASE("pytorch: 33-70-10, two column blocks, cross-entropy", "[pytorch]") {
  check_case<network<input<33>, dense<70, ctnn::relu>, dense<10, ctnn::softmax>>, ctnn::cross_entropy, 7>(
      "wide_relu_ce");
}
