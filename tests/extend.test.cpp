// SPDX-License-Identifier: Apache-2.0
// User-defined extensions (README "Extending ctnn"): the example activation
// (examples/extend/lecun_tanh.hpp) and loss (examples/extend/focal_loss.hpp)
// satisfy the concepts, backpropagate correctly (finite differences of a
// double-precision reference), run at compile time, and their SIMD hooks
// agree with their scalar definitions.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "ctnn/ctnn.hpp"
#include "extend/focal_loss.hpp"
#include "extend/lecun_tanh.hpp"
#include "gradient_check.hpp"

using examples::focal_loss;
using examples::lecun_tanh;

// The library's own types and the examples satisfy the same concepts.
static_assert(ctnn::Activation<lecun_tanh> && ctnn::Activation<ctnn::relu> && ctnn::Activation<ctnn::softmax>);
static_assert(ctnn::Loss<focal_loss<2>> && ctnn::Loss<ctnn::cross_entropy> && ctnn::Loss<ctnn::mse>);
static_assert(!ctnn::Activation<int> && !ctnn::Loss<int>);

namespace ctnn_test {
template <>
struct double_activation<lecun_tanh> {
  static double apply(double z) { return 1.7159 * std::tanh(2.0 / 3.0 * z); }
};
template <int G>
struct double_loss<focal_loss<G>> {
  static double label(const std::vector<double>& z, std::uint32_t t) {
    const double m = *std::max_element(z.begin(), z.end());
    double s = 0;
    for (double v : z) s += std::exp(v - m);
    const double log_pt = z[t] - m - std::log(s);
    return -std::pow(1.0 - std::exp(log_pt), G) * log_pt;
  }
};
}  // namespace ctnn_test

using namespace ctnn_test;
using ctnn::dense;
using ctnn::input;
using ctnn::network;

TEST_CASE("extend: lecun_tanh backpropagates (finite differences), hidden and output, both layouts", "[extend][fd]") {
  check_gradient<network<input<5>, dense<20, lecun_tanh>, dense<7, lecun_tanh>, dense<3, ctnn::identity>>, ctnn::mse, 5>(
      targets::real, 31);
  check_gradient<network<input<4>, dense<9, lecun_tanh, ctnn::layout::dot>, dense<3, ctnn::softmax>>,
                 ctnn::cross_entropy, 3>(targets::labels, 32);
}

TEST_CASE("extend: focal loss backpropagates (finite differences)", "[extend][fd]") {
  check_gradient<network<input<5>, dense<16, ctnn::relu>, dense<4, ctnn::softmax>>, focal_loss<2>, 6>(targets::labels, 41);
  check_gradient<network<input<3>, dense<18, lecun_tanh>, dense<5, ctnn::softmax>>, focal_loss<3>, 4>(targets::labels, 42);
}

TEST_CASE("extend: focal loss with gamma 1 still weights easy samples down", "[extend]") {
  // One sample, logits favour the label strongly: FL << CE.
  const float z[3] = {4.0f, 0.0f, -1.0f};
  float g[3];
  const double fl = focal_loss<2>::sample(z, nullptr, 3, 0, g, 1.0);
  const double ce = ctnn::cross_entropy::log_sum_exp(z, 3) - z[0];
  CHECK(fl > 0.0);
  CHECK(fl < 0.01 * ce);
}

TEST_CASE("extend: the SIMD hooks of lecun_tanh equal its scalar definition", "[extend][simd]") {
  // forward: a layer with identity weights runs apply_simd on the static target.
  using Net = network<input<16>, dense<16, lecun_tanh>>;
  auto net = std::make_unique<Net>();
  for (std::size_t o = 0; o < 16; ++o) net->layer<0>().weight(o, o) = 1.0f;
  std::array<float, 16> x{};
  for (std::size_t i = 0; i < 16; ++i) x[i] = -4.0f + 0.5f * static_cast<float>(i);
  const auto y = net->forward(x);
  for (std::size_t i = 0; i < 16; ++i) CHECK(y[i] == Approx(lecun_tanh::apply(x[i])).epsilon(1e-6));
}

TEST_CASE("extend: a user activation and loss train inside a constant expression", "[extend][constexpr]") {
  constexpr float loss_after = [] {
    using Net = network<input<2>, dense<6, lecun_tanh>, dense<2, ctnn::softmax>>;
    Net net;
    ctnn::initialize(net, 3);
    ctnn::trainer<Net, focal_loss<2>, ctnn::sgd, 4> tr{ctnn::sgd{.learning_rate = 0.5f}};
    const std::array<float, 8> x{0, 0, 0, 1, 1, 0, 1, 1};
    const std::array<std::uint32_t, 4> y{0, 1, 1, 0};
    float first = 0, last = 0;
    for (int s = 0; s < 30; ++s) {
      last = tr.step(net, std::span<const float, 8>(x), std::span<const std::uint32_t, 4>(y));
      if (s == 0) first = last;
    }
    return last < first ? last : -1.0f;
  }();
  static_assert(loss_after > 0.0f, "focal loss must decrease over 30 compile-time steps");
  CHECK(loss_after > 0.0f);
}
