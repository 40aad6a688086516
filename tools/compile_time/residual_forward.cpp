// SPDX-License-Identifier: Apache-2.0
// A single-model TU: a residual/batch-norm network, forward only — it must
// compile no training code (the layer headers do not include the trainer).
// tools/compile_time/measure.sh compiles it; tests/CMakeLists.txt checks
// its includes.
#include <cstdio>
#include <ctnn/init.hpp>
#include <ctnn/layers/activation.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/layers/dropout.hpp>
#include <ctnn/layers/residual.hpp>
#include <ctnn/network.hpp>

using Block = ctnn::residual<ctnn::dense<128, ctnn::relu>, ctnn::batch_norm<>, ctnn::dense<128>>;
using Net = ctnn::network<ctnn::input<784>, ctnn::dense<128>, ctnn::batch_norm<>, ctnn::activation<ctnn::gelu>, Block,
                          ctnn::dropout<1, 10>, ctnn::dense<10, ctnn::softmax>>;
static Net net;

int main() {
  ctnn::initialize(net, 1);
  std::array<float, 784> x{};
  x[0] = 1.0f;
  const auto y = net.forward(x);
  std::printf("%f\n", static_cast<double>(y[0]));
}
