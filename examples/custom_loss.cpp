// SPDX-License-Identifier: Apache-2.0
// A user-defined loss in training: focal loss (examples/extend/focal_loss.hpp,
// 25 lines) against cross-entropy on an imbalanced two-spirals task (class 1
// is 1 in 8 of the training points). Focal loss down-weights the many easy
// majority samples. Its gradient is checked by finite differences in
// tests/extend.test.cpp.
//
//   ./build/gcc/examples/custom_loss
#include <ctnn/ctnn.hpp>
#include <cstdio>

#include "extend/focal_loss.hpp"
#include "spirals.hpp"

namespace {
constexpr std::size_t kBatch = 32;
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<64, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                          ctnn::dense<2, ctnn::softmax>>;

struct split {
  std::vector<float> x;
  std::vector<std::uint32_t> y;
};

/// Keeps every class-0 point and one class-1 point in `keep_one_in`.
split imbalanced(const examples::spiral_points& s, std::size_t keep_one_in) {
  split d;
  std::size_t ones = 0;
  for (std::size_t i = 0; i < s.y.size(); ++i) {
    if (s.y[i] == 1 && ones++ % keep_one_in != 0) continue;
    d.x.insert(d.x.end(), {s.x[2 * i], s.x[2 * i + 1]});
    d.y.push_back(s.y[i]);
  }
  return d;
}

template <class Loss>
void run(const char* label, const split& train, const split& test) {
  static Net net;
  ctnn::initialize(net, 11);
  ctnn::trainer<Net, Loss, ctnn::adam, kBatch> tr{ctnn::adam{.learning_rate = 0.005f}};
  for (int epoch = 0; epoch < 60; ++epoch) {
    for (std::size_t b = 0; b + kBatch <= train.y.size(); b += kBatch) {
      tr.step(net, std::span<const float, kBatch * 2>(train.x.data() + 2 * b, kBatch * 2),
              std::span<const std::uint32_t, kBatch>(train.y.data() + b, kBatch));
    }
  }
  std::size_t hits[2] = {0, 0}, counts[2] = {0, 0};
  for (std::size_t i = 0; i < test.y.size(); ++i) {
    const auto p = net.forward(std::array<float, 2>{test.x[2 * i], test.x[2 * i + 1]});
    const std::uint32_t c = test.y[i];
    ++counts[c];
    hits[c] += (p[1] > p[0] ? 1u : 0u) == c;
  }
  std::printf("%-14s recall: class 0 %.1f%%, minority class 1 %.1f%%\n", label,
              100.0 * static_cast<double>(hits[0]) / static_cast<double>(counts[0]),
              100.0 * static_cast<double>(hits[1]) / static_cast<double>(counts[1]));
}
}  // namespace

int main() {
  const split train = imbalanced(examples::make_spirals(4096, 3), 8);
  const split test = imbalanced(examples::make_spirals(2048, 4), 1);  // balanced test set
  std::printf("imbalanced two spirals: %zu training points (1 in 9 is class 1), balanced test set of %zu\n",
              train.y.size(), test.y.size());
  run<ctnn::cross_entropy>("cross_entropy", train, test);
  run<examples::focal_loss<2>>("focal_loss<2>", train, test);
  return 0;
}
