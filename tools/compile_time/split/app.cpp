// SPDX-License-Identifier: Apache-2.0
// A TU that only calls the model: it includes model.hpp, not ctnn's network
// headers, so it parses no Highway (tools/compile_time/measure.sh times it).
// Exits 1 unless the model_ref gives network::forward's results bit for bit.
#include <cstdio>
#include <cstring>

#include "model.hpp"

std::array<float, 10> s5_direct(const std::array<float, 784>& x);

int main() {
  std::array<float, 784> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 17) / 17.0f;
  const auto model = s5_model();
  const auto y = model.forward(x);
  const auto want = s5_direct(x);
  std::array<float, 2 * 784> xb{};
  std::array<float, 2 * 10> yb{};
  for (std::size_t i = 0; i < xb.size(); ++i) xb[i] = x[i % 784];
  model.forward_batch(xb, yb);
  const bool same = std::memcmp(y.data(), want.data(), sizeof y) == 0;
  std::printf("s5 via model_ref: y[0] = %f, %s network::forward; forward_batch y[0] = %f\n", static_cast<double>(y[0]),
              same ? "identical to" : "DIFFERENT from", static_cast<double>(yb[0]));
  return same ? 0 : 1;
}
