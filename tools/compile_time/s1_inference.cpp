// SPDX-License-Identifier: Apache-2.0
// A single-model TU: S1 (2-16-16-1), inference only, for the binary-size figure.
#include <cstdio>
#include <ctnn/init.hpp>
#include <ctnn/network.hpp>

using S1 = ctnn::network<ctnn::input<2>, ctnn::dense<16, ctnn::relu>, ctnn::dense<16, ctnn::relu>,
                         ctnn::dense<1, ctnn::sigmoid>>;

int main(int argc, char**) {
  S1 net;
  ctnn::initialize(net, 42);
  const auto y = net.forward(std::array<float, 2>{0.5f * static_cast<float>(argc), -1.0f});
  std::printf("%f\n", static_cast<double>(y[0]));
}
