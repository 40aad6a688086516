// SPDX-License-Identifier: Apache-2.0
// ctnn::network: traits, layer access, layouts, and the SIMD forward pass
// (static target) against the scalar reference on the standard workloads.
#include "ctnn/network.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "nets.hpp"
#include "test_util.hpp"

using namespace ctnn_test;

TEST_CASE("network: traits of the README example", "[network]") {
  using Net = S1;
  STATIC_REQUIRE(Net::input_size == 2);
  STATIC_REQUIRE(Net::output_size == 1);
  STATIC_REQUIRE(Net::layer_count == 3);
  STATIC_REQUIRE(Net::parameter_count == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 1 + 1);
  STATIC_REQUIRE(Net::max_extent == 16);
  STATIC_REQUIRE(std::is_same_v<Net::layer_type<0>, ctnn::dense_layer<2, 16, ctnn::relu, ctnn::layout::broadcast>>);
  STATIC_REQUIRE(std::is_same_v<Net::layer_type<2>, ctnn::dense_layer<16, 1, ctnn::sigmoid, ctnn::layout::dot>>);
}

TEST_CASE("network: layouts are chosen per layer", "[network][layout]") {
  STATIC_REQUIRE(S5::layer_type<0>::weight_layout == ctnn::layout::broadcast);  // 784 -> 256
  STATIC_REQUIRE(S5::layer_type<1>::weight_layout == ctnn::layout::broadcast);  // 256 -> 128
  STATIC_REQUIRE(S5::layer_type<2>::weight_layout == ctnn::layout::dot);        // 128 -> 10
  using Forced = ctnn::network<ctnn::input<4>, ctnn::dense<32, ctnn::relu, ctnn::layout::dot>>;
  STATIC_REQUIRE(Forced::layer_type<0>::weight_layout == ctnn::layout::dot);
}

TEST_CASE("network: parameters live inside the object", "[network]") {
  // The weights of S5 alone are 235,146 floats; sizeof covers them (plus padding).
  STATIC_REQUIRE(sizeof(S5) >= S5::parameter_count * sizeof(float));
  STATIC_REQUIRE(sizeof(S1) >= S1::parameter_count * sizeof(float));
  STATIC_REQUIRE(alignof(S1) >= ctnn::alignment);
}

TEST_CASE("network: layer<I>() gives the concrete, mutable layer", "[network]") {
  S1 net;
  net.layer<0>().weight(3, 1) = 2.5f;
  net.layer<2>().bias(0) = -1.0f;
  const S1& cnet = net;
  CHECK(cnet.layer<0>().weight(3, 1) == 2.5f);
  CHECK(cnet.layer<2>().bias(0) == -1.0f);
}

TEST_CASE("network: a zero network outputs act(0)", "[network]") {
  S1 net;  // all parameters zero
  const auto y = net.forward(std::array<float, 2>{3.0f, -7.0f});
  CHECK(y[0] == 0.5f);  // sigmoid(0)
}

template <class Net>
void check_against_reference(std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  // Non-zero biases too, so they are exercised.
  ctnn::for_each_layer(*net, [&](auto& layer) {
    for (std::size_t o = 0; o < std::remove_cvref_t<decltype(layer)>::out_extent; ++o)
      layer.bias(o) = 0.01f * static_cast<float>(o % 7) - 0.03f;
  });
  ctnn::rng g(seed + 99);
  for (int trial = 0; trial < 20; ++trial) {
    std::array<float, Net::input_size> x{};
    for (auto& v : x) v = uniform(g, -1.0f, 1.0f);
    std::array<float, Net::output_size> ref{};
    ctnn::reference::forward(*net, x.data(), ref.data());
    const auto y = net->forward(x);
    std::array<float, Net::output_size> y2{};
    net->forward(std::span<const float, Net::input_size>(x), std::span<float, Net::output_size>(y2));
    for (std::size_t o = 0; o < Net::output_size; ++o) {
      INFO("trial " << trial << " output " << o);
      CHECK(y[o] == Approx(ref[o]).epsilon(1e-5).margin(1e-6));
      CHECK(y2[o] == y[o]);
    }
  }
}

TEST_CASE("network: SIMD forward matches the scalar reference (S1-S5)", "[network][forward]") {
  check_against_reference<S1>(1);
  check_against_reference<S2>(2);
  check_against_reference<S3>(3);
  check_against_reference<S4>(4);
  check_against_reference<S5>(5);
}

TEST_CASE("network: softmax output is a distribution", "[network][softmax]") {
  auto net = std::make_unique<S5>();
  ctnn::initialize(*net, 7);
  std::array<float, 784> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 17) / 17.0f;
  const auto y = net->forward(x);
  float sum = 0;
  for (float v : y) {
    CHECK(v > 0.0f);
    CHECK(v < 1.0f);
    sum += v;
  }
  CHECK(sum == Approx(1.0f).epsilon(1e-6));
}

TEST_CASE("network: forward is deterministic and leaves the network unchanged", "[network]") {
  S2 net;
  ctnn::initialize(net, 3);
  std::array<float, S2::parameter_count> before{}, after{};
  ctnn::get_parameters(net, std::span<float, S2::parameter_count>(before));
  std::array<float, 16> x{};
  x[3] = 1.0f;
  const auto y1 = net.forward(x);
  const auto y2 = net.forward(x);
  ctnn::get_parameters(net, std::span<float, S2::parameter_count>(after));
  CHECK(y1 == y2);
  CHECK(before == after);
}

template <class Net>
void check_batch_matches_forward(std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  ctnn::rng g(seed);
  for (const std::size_t rows : {1u, 2u, 6u, 15u, 16u, 17u, 40u}) {
    std::vector<float> x(rows * Net::input_size), y(rows * Net::output_size, -7.0f);
    for (auto& v : x) v = static_cast<float>(g.uniform()) * 2.0f - 1.0f;
    net->forward_batch(std::span<const float>(x), std::span<float>(y));
    for (std::size_t r = 0; r < rows; ++r) {
      std::array<float, Net::input_size> xi{};
      std::copy_n(x.begin() + static_cast<long>(r * Net::input_size), Net::input_size, xi.begin());
      const auto yi = net->forward(xi);
      for (std::size_t o = 0; o < Net::output_size; ++o) {
        INFO("rows " << rows << " row " << r << " output " << o);
        CHECK(y[r * Net::output_size + o] == Approx(yi[o]).epsilon(1e-5).margin(1e-6));
      }
    }
  }
}

TEST_CASE("network: forward_batch equals forward row by row (S1-S5)", "[network][batch]") {
  check_batch_matches_forward<S1>(11);
  check_batch_matches_forward<S2>(12);
  check_batch_matches_forward<S3>(13);
  check_batch_matches_forward<S4>(14);
  check_batch_matches_forward<S5>(15);
}

TEST_CASE("network: forward_batch with static extents", "[network][batch]") {
  S2 net;
  ctnn::initialize(net, 4);
  std::array<float, 3 * 16> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 5) - 2.0f;
  std::array<float, 3 * 8> y{};
  net.forward_batch(std::span<const float, 48>(x), std::span<float, 24>(y));
  std::array<float, 16> x1{};
  std::copy_n(x.begin() + 32, 16, x1.begin());
  const auto y1 = net.forward(x1);
  for (std::size_t o = 0; o < 8; ++o) CHECK(y[16 + o] == Approx(y1[o]).epsilon(1e-5).margin(1e-6));
}

TEST_CASE("network: forward_batch refuses mismatched dynamic spans and writes nothing", "[network][batch]") {
  S2 net;
  ctnn::initialize(net, 4);
  std::vector<float> x(2 * 16 + 1, 0.5f), y(2 * 8, -7.0f);
  CHECK_THROWS_AS(net.forward_batch(std::span<const float>(x), std::span<float>(y)), std::invalid_argument);
  x.resize(2 * 16);
  y.resize(3 * 8, -7.0f);
  CHECK_THROWS_WITH(net.forward_batch(std::span<const float>(x), std::span<float>(y)),
                    Catch::Contains("x holds 32 floats (2 rows of input_size 16) and y 24 floats (3 rows of "
                                    "output_size 8)") &&
                        Catch::Contains("as many in y as in x"));
  x.resize(2 * 16 + 5);
  CHECK_THROWS_WITH(net.forward_batch(std::span<const float>(x), std::span<float>(y)),
                    Catch::Contains("x holds 37 floats (2 rows + 5 floats of input_size 16)"));
  for (float v : y) CHECK(v == -7.0f);
  std::vector<float> empty_x, empty_y;
  net.forward_batch(std::span<const float>(empty_x), std::span<float>(empty_y));  // zero rows: fine
}
