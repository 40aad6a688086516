// SPDX-License-Identifier: Apache-2.0
// Hyper-parameter search across topologies (ctnn::search): 4 network types ×
// 3 learning rates on Fashion-MNIST, each trained for 2 epochs on 50,000
// training images and scored on the 10,000 held out from the training set
// (the test set stays untouched), fixed seed. Prints the table sorted by
// validation accuracy and saves the best model.
//
//   ./build/gcc/examples/hyperparameter_search [--data DIR] [--epochs N] [--out FILE]
#include <ctnn/ctnn.hpp>
#include <ctnn/data/idx.hpp>
#include <cstdio>
#include <cstring>
#include <string>

namespace {
using ctnn::dense;
using ctnn::input;
using ctnn::network;
using Narrow = network<input<784>, dense<64, ctnn::relu>, dense<10, ctnn::softmax>>;
using Wide = network<input<784>, dense<256, ctnn::relu>, dense<10, ctnn::softmax>>;
using Deep = network<input<784>, dense<256, ctnn::relu>, dense<128, ctnn::relu>, dense<10, ctnn::softmax>>;
using Tanh = network<input<784>, dense<128, ctnn::tanh>, dense<64, ctnn::tanh>, dense<10, ctnn::softmax>>;
}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path data = "/usr/share/datasets/fashion-mnist", out = "search_best.ctnn";
  int epochs = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    else if (std::strcmp(argv[i], "--epochs") == 0) epochs = std::stoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--out") == 0) out = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: hyperparameter_search [--data DIR] [--epochs N] [--out FILE]\n");
      return 2;
    }
  }
  ctnn::data::idx_images images;
  ctnn::data::idx_labels labels;
  try {
    images = ctnn::data::read_idx_images(data / "train-images-idx3-ubyte.gz");
    labels = ctnn::data::read_idx_labels(data / "train-labels-idx1-ubyte.gz");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hyperparameter_search: %s\n(install dataset-fashion-mnist or pass --data DIR)\n", e.what());
    return 1;
  }
  if (images.count != labels.count() || images.rows * images.cols != 784 || images.count < 20000) {
    std::fprintf(stderr, "hyperparameter_search: expected Fashion-MNIST's 28x28 training images with one label each\n");
    return 1;
  }
  // The last 10,000 training images are the validation split.
  const std::size_t n_valid = 10000, n_train = images.count - n_valid;
  std::vector<float> x(images.pixels.size());
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(images.pixels[k]) / 255.0f;
  std::vector<std::uint32_t> y(labels.labels.begin(), labels.labels.end());
  const ctnn::labelled_view train{std::span<const float>(x).first(n_train * 784),
                                  std::span<const std::uint32_t>(y).first(n_train)};
  const ctnn::labelled_view valid{std::span<const float>(x).subspan(n_train * 784),
                                  std::span<const std::uint32_t>(y).subspan(n_train)};

  std::printf("Fashion-MNIST: %zu training / %zu validation images; 4 topologies x 3 learning rates, Adam, "
              "batch 64, %d epochs each\n", n_train, n_valid, epochs);
  const auto table = ctnn::search<ctnn::adam, 64>(ctnn::candidates<Narrow, Wide, Deep, Tanh>{}, train, valid,
                                                  {.learning_rates = {3e-4f, 1e-3f, 3e-3f}, .epochs = epochs,
                                                   .seed = 42, .best_model = out});
  std::printf("\n");
  ctnn::print_search_table(table);
  std::printf("\nbest: %s, lr %g -> saved %s (load it with ctnn::load into %s)\n", table.front().topology.c_str(),
              static_cast<double>(table.front().learning_rate), out.c_str(), table.front().type.c_str());
  return 0;
}
