// SPDX-License-Identifier: Apache-2.0
// Trains one full epoch (a fixed synthetic data set, shuffled with a fixed
// seed) twice in this process and prints the FNV-1a hash of the parameter
// bits; exits non-zero if the two runs differ. ctest runs this program twice
// and compares the printed hashes across the two processes.
#include <bit>
#include <cstdint>
#include <cstdio>
#include <ctnn/ctnn.hpp>
#include <memory>
#include <vector>

using Net = ctnn::network<ctnn::input<20>, ctnn::dense<48, ctnn::relu>, ctnn::dense<24, ctnn::tanh>,
                          ctnn::dense<5, ctnn::softmax>>;
constexpr std::size_t kBatch = 16, kSamples = 2048;

std::uint64_t run_epoch() {
  auto net = std::make_unique<Net>();
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adamw, kBatch>>();
  ctnn::initialize(*net, 2024);
  ctnn::rng data(7), shuffle(8);
  std::vector<float> x(kSamples * 20);
  std::vector<std::uint32_t> y(kSamples);
  for (auto& v : x) v = static_cast<float>(data.normal());
  for (auto& v : y) v = static_cast<std::uint32_t>(data.below(5));
  std::vector<std::size_t> order(kSamples);
  for (std::size_t i = 0; i < kSamples; ++i) order[i] = i;
  for (std::size_t i = kSamples - 1; i > 0; --i) std::swap(order[i], order[shuffle.below(i + 1)]);
  std::array<float, kBatch * 20> xb{};
  std::array<std::uint32_t, kBatch> yb{};
  for (std::size_t b = 0; b < kSamples / kBatch; ++b) {
    for (std::size_t s = 0; s < kBatch; ++s) {
      const std::size_t i = order[b * kBatch + s];
      for (std::size_t f = 0; f < 20; ++f) xb[s * 20 + f] = x[i * 20 + f];
      yb[s] = y[i];
    }
    tr->step(*net, xb, yb);
  }
  std::array<float, Net::parameter_count> p{};
  ctnn::get_parameters(*net, std::span<float, Net::parameter_count>(p));
  std::uint64_t h = 1469598103934665603ULL;
  for (float f : p) {
    h ^= std::bit_cast<std::uint32_t>(f);
    h *= 1099511628211ULL;
  }
  return h;
}

int main() {
  const std::uint64_t a = run_epoch(), b = run_epoch();
  std::printf("parameter hash after one epoch: %016llx\n", static_cast<unsigned long long>(a));
  if (a != b) {
    std::printf("in-process runs differ: %016llx\n", static_cast<unsigned long long>(b));
    return 1;
  }
  return 0;
}
