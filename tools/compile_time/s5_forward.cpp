// SPDX-License-Identifier: Apache-2.0
// A single-model TU: S5 (784-256-128-10), forward only. tools/compile_time/
// measure.sh compiles it to track the compile-time budget.
#include <cstdio>
#include <ctnn/init.hpp>
#include <ctnn/network.hpp>

using S5 = ctnn::network<ctnn::input<784>, ctnn::dense<256, ctnn::relu>, ctnn::dense<128, ctnn::relu>,
                         ctnn::dense<10, ctnn::softmax>>;
static S5 net;

int main() {
  ctnn::initialize(net, 1);
  std::array<float, 784> x{};
  x[0] = 1.0f;
  const auto y = net.forward(x);
  std::printf("%f\n", static_cast<double>(y[0]));
}
