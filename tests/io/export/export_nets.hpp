// SPDX-License-Identifier: Apache-2.0
// The networks whose exported headers tests/io/export compiles: a dense-only
// one, one with batch norm, residual blocks and dropout, and one of the
// Fashion-MNIST example's size, and one of sequence layers. Both are rebuilt
// from a seed (and, for buffers, a fixed rule), so the check program can
// compare each generated header's network with a freshly built source.
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <memory>
#include <span>

namespace export_test {
using Dense = ctnn::network<ctnn::input<5>, ctnn::dense<24, ctnn::relu>, ctnn::dense<17, ctnn::tanh>,
                            ctnn::dense<3, ctnn::softmax>>;
using Mixed = ctnn::network<ctnn::input<6>, ctnn::dense<20, ctnn::gelu>, ctnn::batch_norm<>,
                            ctnn::residual<ctnn::dense<20, ctnn::silu>, ctnn::batch_norm<>, ctnn::dense<20>>,
                            ctnn::dropout<1, 10>, ctnn::dense<4, ctnn::sigmoid>>;

/// The Fashion-MNIST example's topology (235,146 parameters): its header must
/// compile with the compilers' default constexpr limits.
using Big = ctnn::network<ctnn::input<784>, ctnn::dense<256, ctnn::relu>, ctnn::dense<128, ctnn::relu>,
                          ctnn::dense<10, ctnn::softmax>>;

/// The sequence layers: a stateful network (each forward call one step).
using Sequence = ctnn::network<ctnn::input<2>, ctnn::conv1d<4, 3, 2, ctnn::tanh>,
                               ctnn::residual<ctnn::lstm<4>, ctnn::dense<4>>, ctnn::gru<6>, ctnn::dense<1>>;

/// The source network: initialised from `seed`; running statistics (if
/// any) set to values that are not the defaults, so a header that dropped
/// them would give other outputs.
template <class Net>
std::unique_ptr<Net> make(std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  if constexpr (Net::buffer_count != 0) {
    std::array<float, Net::buffer_count> b{};
    // Exact in float (k/64 + 1/2): no rounding for the compiler to contract
    // differently into an FMA in the two programs that build this network.
    for (std::size_t k = 0; k < b.size(); ++k) b[k] = 0.5f + static_cast<float>(k % 37) / 64.0f;
    ctnn::set_buffers(*net, std::span<const float, Net::buffer_count>(b));
  }
  return net;
}

/// Input number `i` of a fixed set.
template <class Net>
std::array<float, Net::input_size> input(std::size_t i) {
  std::array<float, Net::input_size> x{};
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>((i * 7 + k * 3) % 13) / 6.5f - 1.0f;
  return x;
}
}  // namespace export_test
