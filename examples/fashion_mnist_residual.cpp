// SPDX-License-Identifier: Apache-2.0
// A deeper MLP with residual blocks and batch norm on Fashion-MNIST, against
// the plain 784-256-128-10 MLP of examples/fashion_mnist.cpp and a plain MLP
// as deep as the residual one (no skips, no normalisation). Same data, seed,
// optimizer (Adam 1e-3, batch 64) and epochs for all three; prints test
// accuracy after every epoch and the mean epoch time.
//
//   ./build/gcc/examples/fashion_mnist_residual [--epochs N] [--train N] [--data DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctnn/ctnn.hpp>
#include <ctnn/data/idx.hpp>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace {
using ctnn::batch_norm;
using ctnn::dense;
using ctnn::dropout;
using ctnn::input;
using ctnn::network;
using ctnn::relu;
using ctnn::residual;
using ctnn::softmax;

using Plain = network<input<784>, dense<256, relu>, dense<128, relu>, dense<10, softmax>>;
// Eight dense layers: an input projection, three residual blocks of two, the head.
using Block = residual<dense<128, relu>, batch_norm<>, dense<128>>;
using Residual = network<input<784>, dense<128, relu>, batch_norm<>, Block, Block, Block, dropout<1, 10>,
                         dense<10, softmax>>;
using DeepPlain = network<input<784>, dense<128, relu>, dense<128, relu>, dense<128, relu>, dense<128, relu>,
                          dense<128, relu>, dense<128, relu>, dense<128, relu>, dense<10, softmax>>;

struct data_set {
  std::vector<float> x;
  std::vector<std::uint32_t> y;
  std::size_t count() const { return y.size(); }
};

data_set load(const std::filesystem::path& dir, const char* images, const char* labels, std::size_t limit) {
  const auto im = ctnn::data::read_idx_images(dir / images);
  const auto lb = ctnn::data::read_idx_labels(dir / labels);
  if (im.count != lb.count() || im.rows * im.cols != 784) throw std::runtime_error("not Fashion-MNIST");
  const std::size_t n = std::min<std::size_t>(limit, im.count);
  data_set d;
  d.x.resize(n * 784);
  for (std::size_t k = 0; k < d.x.size(); ++k) d.x[k] = static_cast<float>(im.pixels[k]) / 255.0f;
  d.y.assign(lb.labels.begin(), lb.labels.begin() + static_cast<std::ptrdiff_t>(n));
  return d;
}

template <class Net>
double accuracy(const Net& net, const data_set& test) {
  std::vector<float> out(test.count() * 10);
  net.forward_batch(std::span<const float>(test.x), std::span<float>(out));
  std::size_t right = 0;
  for (std::size_t i = 0; i < test.count(); ++i) {
    const float* p = out.data() + i * 10;
    right += static_cast<std::uint32_t>(std::max_element(p, p + 10) - p) == test.y[i];
  }
  return 100.0 * static_cast<double>(right) / static_cast<double>(test.count());
}

struct result {
  double accuracy = 0, epoch_seconds = 0;
};

template <class Net>
result run(const char* name, const data_set& train, const data_set& test, int epochs) {
  constexpr std::size_t B = 64;
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, 42);
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, B>>(ctnn::adam{.learning_rate = 1e-3f});
  std::vector<std::size_t> order(train.count());
  std::iota(order.begin(), order.end(), std::size_t{0});
  ctnn::rng gen(7);
  std::vector<float> xb(B * 784);
  std::vector<std::uint32_t> yb(B);
  std::printf("%-10s %zu parameters\n", name, Net::parameter_count);
  result r;
  double seconds = 0;
  for (int e = 1; e <= epochs; ++e) {
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
    const auto t0 = std::chrono::steady_clock::now();
    double loss = 0;
    const std::size_t steps = order.size() / B;
    for (std::size_t s = 0; s < steps; ++s) {
      for (std::size_t b = 0; b < B; ++b) {
        const std::size_t k = order[s * B + b];
        std::copy_n(train.x.begin() + static_cast<std::ptrdiff_t>(k * 784), 784, xb.begin() + static_cast<std::ptrdiff_t>(b * 784));
        yb[b] = train.y[k];
      }
      loss += tr->step(*net, std::span<const float, B * 784>(xb.data(), xb.size()),
                       std::span<const std::uint32_t, B>(yb.data(), B));
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.accuracy = accuracy(*net, test);
    std::printf("  epoch %2d  loss %.4f  test accuracy %.2f %%\n", e, loss / static_cast<double>(steps), r.accuracy);
  }
  r.epoch_seconds = seconds / epochs;
  return r;
}
}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  int epochs = 5;
  std::size_t limit = 60000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--data") == 0) dir = argv[i + 1];
    else if (std::strcmp(argv[i], "--epochs") == 0) epochs = std::stoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--train") == 0) limit = std::stoul(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: fashion_mnist_residual [--epochs N] [--train N] [--data DIR]\n");
      return 2;
    }
  }
  data_set train, test;
  try {
    train = load(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", limit);
    test = load(dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fashion_mnist_residual: %s\n(install dataset-fashion-mnist or pass --data DIR)\n", e.what());
    return 1;
  }
  std::printf("Fashion-MNIST: %zu training / %zu test images, Adam 1e-3, batch 64, %d epochs\n\n", train.count(),
              test.count(), epochs);
  const result plain = run<Plain>("plain", train, test, epochs);
  const result deep = run<DeepPlain>("deep", train, test, epochs);
  const result res = run<Residual>("residual", train, test, epochs);
  std::printf("\n%-34s %14s %12s\n", "network", "test accuracy", "s / epoch");
  std::printf("%-34s %12.2f %% %12.2f\n", "plain 784-256-128-10", plain.accuracy, plain.epoch_seconds);
  std::printf("%-34s %12.2f %% %12.2f\n", "deep plain, 8 dense layers", deep.accuracy, deep.epoch_seconds);
  std::printf("%-34s %12.2f %% %12.2f\n", "residual + batch norm, 8 dense", res.accuracy, res.epoch_seconds);
  return 0;
}
