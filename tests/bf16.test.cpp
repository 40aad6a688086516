// SPDX-License-Identifier: Apache-2.0
// ctnn::bf16_network: conversion (round to nearest even, NaN/Inf kept), the
// SIMD forward against the scalar reference on the same bf16 weights, and
// the price of the rounding against the fp32 network (S4, S5).
#include "ctnn/bf16.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "nets.hpp"

using namespace ctnn_test;
using ctnn::detail::from_bf16;
using ctnn::detail::to_bf16;

// Conversion, at compile time: exact values, ties to even, specials.
static_assert(to_bf16(1.0f) == 0x3f80 && from_bf16(0x3f80) == 1.0f);
static_assert(to_bf16(-2.0f) == 0xc000);
static_assert(to_bf16(std::bit_cast<float>(0x3f808000u)) == 0x3f80);  // tie, even below: down
static_assert(to_bf16(std::bit_cast<float>(0x3f818000u)) == 0x3f82);  // tie, odd below: up
static_assert(to_bf16(std::bit_cast<float>(0x3f808001u)) == 0x3f81);  // above the tie: up
static_assert(to_bf16(std::numeric_limits<float>::infinity()) == 0x7f80);
static_assert((to_bf16(std::numeric_limits<float>::quiet_NaN()) & 0x7fff) > 0x7f80);       // still NaN
static_assert((to_bf16(std::bit_cast<float>(0x7f800001u)) & 0x7fff) > 0x7f80);             // low-bit NaN stays NaN
static_assert(to_bf16(std::numeric_limits<float>::max()) == 0x7f80);                       // rounds to +Inf

// A small network converted and run inside a constant expression.
static_assert([] {
  using Net = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::tanh>, ctnn::dense<2, ctnn::softmax>>;
  Net net;
  ctnn::initialize(net, 5);
  const ctnn::bf16_network<Net> q(net);
  const auto y = q.forward(std::array<float, 3>{0.5f, -1.0f, 2.0f});
  const auto y32 = net.forward(std::array<float, 3>{0.5f, -1.0f, 2.0f});
  const float d0 = y[0] > y32[0] ? y[0] - y32[0] : y32[0] - y[0];
  return y[0] + y[1] > 0.999f && y[0] + y[1] < 1.001f && d0 < 1e-2f && y[0] != y32[0];
}());

template <class Net>
void check_bf16(std::uint64_t seed, double* worst_rel) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  auto q = std::make_unique<ctnn::bf16_network<Net>>(*net);
  ctnn::rng g(seed);
  *worst_rel = 0;
  for (int s = 0; s < 50; ++s) {
    std::array<float, Net::input_size> x{};
    for (auto& v : x) v = static_cast<float>(g.uniform());
    const auto y16 = q->forward(x);
    const auto y32 = net->forward(x);
    std::array<float, Net::output_size> ref{};
    ctnn::reference::forward(*q, x.data(), ref.data());
    double scale = 1e-3;  // the output vector's largest magnitude
    for (float v : y32) scale = std::max(scale, std::abs(static_cast<double>(v)));
    for (std::size_t o = 0; o < Net::output_size; ++o) {
      // SIMD vs scalar on the same bf16 weights: float rounding only.
      CHECK(y16[o] == Approx(ref[o]).epsilon(1e-5).margin(1e-5 * scale));
      // bf16 vs fp32 weights, relative to the output vector's scale.
      const double rel = std::abs(y16[o] - y32[o]) / scale;
      *worst_rel = std::max(*worst_rel, rel);
    }
  }
}

TEST_CASE("bf16: S4 and S5 outputs within 1e-2 relative of fp32, SIMD == reference", "[bf16]") {
  double s4 = 0, s5 = 0, s2 = 0;
  check_bf16<S4>(1, &s4);
  check_bf16<S5>(2, &s5);
  check_bf16<S2>(3, &s2);
  INFO("worst relative difference from fp32: S4 " << s4 << ", S5 " << s5 << ", S2 " << s2);
  CHECK(s4 <= 1e-2);
  CHECK(s5 <= 1e-2);
  CHECK(s2 <= 1e-2);
  CHECK(s5 > 0.0);  // the rounding is real: a bf16 net that secretly ran fp32 fails here
  WARN("bf16 vs fp32, worst relative output difference: S4 " << s4 << ", S5 " << s5 << ", S2 " << s2);
}

TEST_CASE("bf16: weights are the fp32 ones rounded, biases exact, padding zero", "[bf16]") {
  auto net = std::make_unique<S2>();
  ctnn::initialize(*net, 9);
  net->layer<0>().bias(3) = 0.123456789f;
  const auto q = std::make_unique<ctnn::bf16_network<S2>>(*net);
  const auto& l32 = net->layer<0>();
  const auto& l16 = q->layer<0>();
  for (std::size_t o = 0; o < 64; ++o) {
    CHECK(l16.bias(o) == l32.bias(o));
    for (std::size_t i = 0; i < 16; ++i) CHECK(l16.weight(o, i) == from_bf16(to_bf16(l32.weight(o, i))));
  }
  using Dot = ctnn::network<ctnn::input<5>, ctnn::dense<3, ctnn::sigmoid>>;  // rows padded 5 -> 16
  Dot d;
  ctnn::initialize(d, 2);
  const ctnn::bf16_network<Dot> dq(d);
  using L = Dot::layer_type<0>;
  for (std::size_t o = 0; o < 3; ++o)
    for (std::size_t i = 5; i < L::in_padded; ++i) CHECK(dq.layer<0>().weight_data()[o * L::in_padded + i] == 0);
}

TEST_CASE("bf16: every layer with a bf16 twin converts; batch norm, residual, dropout and activation layers stay fp32",
          "[bf16]") {
  using Net = ctnn::network<ctnn::input<9>, ctnn::dense<24, ctnn::relu>, ctnn::batch_norm<>,
                            ctnn::residual<ctnn::dense<24>, ctnn::activation<ctnn::gelu>>, ctnn::dropout<1, 5>,
                            ctnn::dense<5, ctnn::softmax>>;
  using Q = ctnn::bf16_network<Net>;
  static_assert(std::is_same_v<Q::layer_type<0>, ctnn::bf16_layer<Net::layer_type<0>>>);
  static_assert(std::is_same_v<Q::layer_type<1>, Net::layer_type<1>>);  // batch norm: kept
  static_assert(Q::buffer_count == Net::buffer_count);
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, 17);
  std::array<float, Net::buffer_count> buf{};
  for (std::size_t k = 0; k < buf.size(); ++k) buf[k] = 0.5f + static_cast<float>(k % 7) / 8.0f;
  ctnn::set_buffers(*net, std::span<const float, Net::buffer_count>(buf));
  auto q = std::make_unique<Q>(*net);
  ctnn::rng g(18);
  constexpr std::size_t rows = 37;  // two full tiles of 16 and a partial one
  std::vector<float> x(rows * 9), yb(rows * 5, -1.0f);
  for (auto& v : x) v = static_cast<float>(g.uniform()) * 2.0f - 1.0f;
  q->forward_batch(std::span<const float>(x), std::span<float>(yb));  // new: bf16_network has forward_batch
  for (std::size_t r = 0; r < rows; ++r) {
    std::array<float, 9> xi{};
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(r * 9), 9, xi.begin());
    const auto y16 = q->forward(xi), y32 = net->forward(xi);
    std::array<float, 5> ref{};
    ctnn::reference::forward(*q, xi.data(), ref.data());
    for (std::size_t o = 0; o < 5; ++o) {
      CHECK(y16[o] == Approx(ref[o]).epsilon(1e-5).margin(1e-6));          // SIMD = scalar, same weights
      CHECK(yb[r * 5 + o] == Approx(y16[o]).epsilon(1e-5).margin(1e-6));   // batched = single
      CHECK(y16[o] == Approx(y32[o]).margin(2e-2));                        // bf16 rounding only
    }
  }
}
