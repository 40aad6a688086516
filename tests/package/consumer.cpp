// SPDX-License-Identifier: Apache-2.0
#include <cmath>
#include <cstdio>
#include <ctnn/ctnn.hpp>
#ifdef CONSUMER_WITH_DATA
#include <ctnn/data/idx.hpp>
#endif

int main() {
  using Net = ctnn::network<ctnn::input<2>, ctnn::dense<8, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;
  Net net;
  ctnn::initialize(net, 42);
  const auto y = net.forward(std::array<float, 2>{0.5f, -1.0f});
  const float sum = y[0] + y[1] + y[2];
  if (std::abs(sum - 1.0f) > 1e-5f) return 1;
#ifdef CONSUMER_WITH_DATA
  try {
    (void)ctnn::data::read_idx_labels("/nonexistent/labels.idx");
    return 1;
  } catch (const ctnn::data::idx_error&) {  // the data component links and reports a missing file
  }
#endif
  std::printf("ctnn consumer ok (version %d.%d.%d, sum %.6f)\n", CTNN_VERSION_MAJOR, CTNN_VERSION_MINOR,
              CTNN_VERSION_PATCH, static_cast<double>(sum));
  return 0;
}
