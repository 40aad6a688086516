// SPDX-License-Identifier: Apache-2.0
// get_parameters / set_parameters: PyTorch state_dict order whatever the
// internal layout, round trips, and constexpr use.
#include "ctnn/parameters.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <numeric>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "nets.hpp"

using namespace ctnn_test;

template <ctnn::layout L>
void check_order() {
  // 3 -> 20 -> 2: weight[o][i] = 100·o + i, then bias[o] = 1000 + o, per layer.
  using Net = ctnn::network<ctnn::input<3>, ctnn::dense<20, ctnn::relu, L>, ctnn::dense<2, ctnn::softmax, L>>;
  std::vector<float> p;
  for (int o = 0; o < 20; ++o)
    for (int i = 0; i < 3; ++i) p.push_back(static_cast<float>(100 * o + i));
  for (int o = 0; o < 20; ++o) p.push_back(static_cast<float>(1000 + o));
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 20; ++i) p.push_back(static_cast<float>(-100 * o - i));
  for (int o = 0; o < 2; ++o) p.push_back(static_cast<float>(-1000 - o));
  REQUIRE(p.size() == Net::parameter_count);
  Net net;
  ctnn::set_parameters(net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
  CHECK(net.template layer<0>().weight(7, 2) == 702.0f);
  CHECK(net.template layer<0>().bias(19) == 1019.0f);
  CHECK(net.template layer<1>().weight(1, 13) == -113.0f);
  CHECK(net.template layer<1>().bias(1) == -1001.0f);
  std::vector<float> back(Net::parameter_count, -1.0f);
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(back.data(), back.size()));
  CHECK(back == p);
}

TEST_CASE("parameters: interchange order, broadcast layout", "[parameters]") { check_order<ctnn::layout::broadcast>(); }
TEST_CASE("parameters: interchange order, dot layout", "[parameters]") { check_order<ctnn::layout::dot>(); }

TEST_CASE("parameters: layouts give the same network function", "[parameters]") {
  using A = ctnn::network<ctnn::input<5>, ctnn::dense<70, ctnn::tanh, ctnn::layout::broadcast>, ctnn::dense<3, ctnn::identity, ctnn::layout::broadcast>>;
  using B = ctnn::network<ctnn::input<5>, ctnn::dense<70, ctnn::tanh, ctnn::layout::dot>, ctnn::dense<3, ctnn::identity, ctnn::layout::dot>>;
  A a;
  ctnn::initialize(a, 9);
  std::array<float, A::parameter_count> p{};
  ctnn::get_parameters(a, std::span<float, A::parameter_count>(p));
  B b;
  ctnn::set_parameters(b, std::span<const float, B::parameter_count>(p));
  const std::array<float, 5> x{0.1f, -0.4f, 0.9f, 0.0f, 2.0f};
  const auto ya = a.forward(x), yb = b.forward(x);
  for (std::size_t o = 0; o < 3; ++o) CHECK(ya[o] == Approx(yb[o]).epsilon(1e-5));
}

TEST_CASE("parameters: padding stays zero after set_parameters", "[parameters]") {
  using Net = ctnn::network<ctnn::input<3>, ctnn::dense<5, ctnn::relu>>;  // dot: rows padded to 16
  Net net;
  std::array<float, Net::parameter_count> p{};
  p.fill(1.0f);
  ctnn::set_parameters(net, std::span<const float, Net::parameter_count>(p));
  const float* w = net.layer<0>().weight_data();
  for (std::size_t o = 0; o < 5; ++o)
    for (std::size_t i = 0; i < 16; ++i) CHECK(w[o * 16 + i] == (i < 3 ? 1.0f : 0.0f));
}

TEST_CASE("parameters: get/set are constexpr", "[parameters][constexpr]") {
  using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::relu>, ctnn::dense<1, ctnn::identity>>;
  constexpr float total = [] {
    std::array<float, Net::parameter_count> p{};
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = static_cast<float>(k);
    Net net;
    ctnn::set_parameters(net, std::span<const float, Net::parameter_count>(p));
    std::array<float, Net::parameter_count> q{};
    ctnn::get_parameters(net, std::span<float, Net::parameter_count>(q));
    float s = 0;
    for (std::size_t k = 0; k < q.size(); ++k) s += q[k] == p[k] ? 1.0f : 0.0f;
    return s;
  }();
  STATIC_REQUIRE(total == static_cast<float>(Net::parameter_count));
}
