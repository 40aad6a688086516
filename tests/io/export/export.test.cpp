// SPDX-License-Identifier: Apache-2.0
// ctnn::export_header's output compiles (each generated header in its own
// TU, built by the build from make_headers' output) and its network gives
// exactly the source network's outputs: same parameters, same buffers, same
// kernels.
#include <catch2/catch.hpp>

#include <cstring>

#include "export_nets.hpp"

void dense_model_forward(const float* x, float* y);
void mixed_model_forward(const float* x, float* y);
void big_model_forward(const float* x, float* y);
void sequence_model_forward(const float* x, float* y);

namespace {
template <class Net>
void check(void (*exported)(const float*, float*), std::uint64_t seed) {
  const auto source = export_test::make<Net>(seed);
  for (std::size_t i = 0; i < 20; ++i) {
    const auto x = export_test::input<Net>(i);
    const auto want = source->forward(x);
    std::array<float, Net::output_size> got{};
    exported(x.data(), got.data());
    INFO("input " << i);
    for (std::size_t o = 0; o < Net::output_size; ++o) {
      INFO("output " << o << ": exported " << got[o] << ", source " << want[o]);
      CHECK(std::memcmp(&got[o], &want[o], sizeof(float)) == 0);  // bit-identical
    }
  }
}
}  // namespace

TEST_CASE("export_header: a dense network's header compiles and gives the source's outputs", "[io][export]") {
  check<export_test::Dense>(&dense_model_forward, 1);
}

TEST_CASE("export_header: a batch-norm/residual/dropout network's header compiles and gives the source's outputs",
          "[io][export]") {
  check<export_test::Mixed>(&mixed_model_forward, 2);
}

TEST_CASE("export_header: a Fashion-MNIST-sized header compiles with default limits and gives the source's outputs",
          "[io][export]") {
  check<export_test::Big>(&big_model_forward, 3);
}

TEST_CASE("export_header: a GRU/LSTM/Conv1D network's header compiles and streams the source's outputs",
          "[io][export][sequence]") {
  check<export_test::Sequence>(&sequence_model_forward, 4);  // 20 steps, state carried
}
