// SPDX-License-Identifier: Apache-2.0
// Compile-time facts about networks, checked by building this file (a plain
// object library: if it compiles, the test passes).
#include <type_traits>

#include "ctnn/ctnn.hpp"

namespace {
using ctnn::dense;
using ctnn::input;
using ctnn::network;

// Extents chain through the pack.
using N1 = network<input<7>, dense<5, ctnn::relu>, dense<9, ctnn::tanh>, dense<3, ctnn::softmax>>;
static_assert(N1::input_size == 7 && N1::output_size == 3 && N1::layer_count == 3);
static_assert(N1::layer_type<1>::in_extent == 5 && N1::layer_type<1>::out_extent == 9);
static_assert(N1::layer_type<2>::in_extent == 9);
static_assert(N1::parameter_count == 7 * 5 + 5 + 5 * 9 + 9 + 9 * 3 + 3);
static_assert(N1::max_extent == 9 && N1::max_padded == 16);

// A single layer network.
using N2 = network<input<1>, dense<1, ctnn::sigmoid>>;
static_assert(N2::parameter_count == 2 && N2::layer_count == 1);

// Padding and layout rules.
static_assert(ctnn::padded(1) == 16 && ctnn::padded(16) == 16 && ctnn::padded(17) == 32);
static_assert(ctnn::dense_layer<3, 40, ctnn::relu, ctnn::layout::broadcast>::weight_storage == 3 * 48);
static_assert(ctnn::dense_layer<3, 40, ctnn::relu, ctnn::layout::dot>::weight_storage == 40 * 16);
static_assert(ctnn::dense_layer<784, 256, ctnn::relu, ctnn::layout::broadcast>::weight_index(64, 0) == 64 * 784);
static_assert(ctnn::dense_layer<784, 256, ctnn::relu, ctnn::layout::broadcast>::weight_index(65, 2) == 64 * 784 + 2 * 64 + 1);
// The last block of a 200-wide layer (padded 208) is 16 wide.
static_assert(ctnn::dense_layer<3, 200, ctnn::relu, ctnn::layout::broadcast>::weight_index(193, 1) == 192 * 3 + 16 + 1);

// Activation concept.
static_assert(ctnn::Activation<ctnn::relu> && ctnn::Activation<ctnn::softmax> && ctnn::Activation<ctnn::leaky_relu<>>);
static_assert(!ctnn::Activation<int>);
static_assert(ctnn::leaky_relu<1, 5>::slope == 0.2f);

// Everything constexpr: a trivial network evaluated at compile time.
constexpr float eval() {
  network<input<2>, dense<1, ctnn::identity>> n;
  n.layer<0>().weight(0, 0) = 2.0f;
  n.layer<0>().weight(0, 1) = -1.0f;
  n.layer<0>().bias(0) = 0.5f;
  return n.forward(std::array<float, 2>{3.0f, 4.0f})[0];
}
static_assert(eval() == 2.5f);
}  // namespace
