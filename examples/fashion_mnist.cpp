// SPDX-License-Identifier: Apache-2.0
// fashion_mnist: the main job. Trains 784-256-128-10 (ReLU, ReLU, softmax +
// cross-entropy) on the 60,000 Fashion-MNIST training images, reports test
// accuracy on the 10,000 test images after every epoch, then saves the model,
// reloads it into a fresh network (checking it gives the same accuracy) and
// exports it as a C++ header. Writes a CSV of per-epoch metrics and an SVG
// learning curve. Without the data set (Debian: dataset-fashion-mnist) it
// says so and trains a small network on an embedded two-spirals task instead.
//
//   ./build/gcc/examples/fashion_mnist --help
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctnn/ctnn.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/threads.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "spirals.hpp"

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int epochs = 15;
  float lr = 1e-3f;
  float lr_decay = 0.85f;  // learning rate multiplied by this after every epoch
  std::string optimizer = "adam";
  std::uint64_t seed = 42;
  int batch = 64;
  unsigned threads = 0;  // 0: one per hardware thread
  fs::path data = "/usr/share/datasets/fashion-mnist";
  fs::path out = "fashion_mnist_out";
};

void usage() {
  std::printf(
      "usage: fashion_mnist [options]\n"
      "  --epochs N        training epochs (default 15)\n"
      "  --lr X            initial learning rate (default 1e-3)\n"
      "  --lr-decay X      learning-rate factor applied after each epoch (default 0.85)\n"
      "  --optimizer NAME  adam | adamw | sgd (SGD uses momentum 0.9; default adam)\n"
      "  --seed N          initialisation and shuffling seed (default 42)\n"
      "  --batch N         32 | 64 | 128 (compile-time sizes; default 64)\n"
      "  --threads N       training threads (default: all cores; results are identical for every N)\n"
      "  --data DIR        directory with the four Fashion-MNIST .gz files\n"
      "                    (default /usr/share/datasets/fashion-mnist)\n"
      "  --out DIR         where model, header, CSV and SVG go (default ./fashion_mnist_out)\n"
      "  --help            this text\n");
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "fashion_mnist: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      usage();
      std::exit(0);
    } else if (a == "--epochs") {
      o.epochs = std::atoi(value());
    } else if (a == "--lr") {
      o.lr = std::strtof(value(), nullptr);
    } else if (a == "--lr-decay") {
      o.lr_decay = std::strtof(value(), nullptr);
    } else if (a == "--optimizer") {
      o.optimizer = value();
    } else if (a == "--seed") {
      o.seed = std::strtoull(value(), nullptr, 10);
    } else if (a == "--batch") {
      o.batch = std::atoi(value());
    } else if (a == "--threads") {
      const int t = std::atoi(value());
      o.threads = t >= 1 && t <= static_cast<int>(ctnn::thread_pool::max_threads) ? static_cast<unsigned>(t) : ~0u;
    } else if (a == "--data") {
      o.data = value();
    } else if (a == "--out") {
      o.out = value();
    } else {
      std::fprintf(stderr, "fashion_mnist: unknown option %s (try --help)\n", a.c_str());
      return false;
    }
  }
  if (o.epochs < 1 || !(o.lr > 0) || !(o.lr_decay > 0) ||
      (o.optimizer != "adam" && o.optimizer != "adamw" && o.optimizer != "sgd") ||
      (o.batch != 32 && o.batch != 64 && o.batch != 128) || o.threads == ~0u) {
    std::fprintf(stderr, "fashion_mnist: invalid option value (try --help)\n");
    return false;
  }
  return true;
}

/// A data set in memory: inputs as bytes (scaled to [0, 1] per batch), labels.
struct dataset {
  std::size_t count = 0, features = 0;
  std::vector<std::uint8_t> x;  // count × features
  std::vector<std::uint8_t> y;
  float scale = 1.0f / 255.0f;
  std::vector<float> xf;  // float inputs when the bytes are not pixels (spirals)
  float input(std::size_t i, std::size_t f) const {
    return xf.empty() ? x[i * features + f] * scale : xf[i * features + f];
  }
};

/// One-line progress bar when stdout is a terminal, plain lines otherwise.
class progress {
 public:
  progress(int epoch, int epochs, std::size_t batches)
      : epoch_(epoch), epochs_(epochs), batches_(batches), tty_(isatty(STDOUT_FILENO) != 0), start_(clock_type::now()) {}
  void update(std::size_t done, std::size_t samples, double running_loss) {
    const double secs = std::chrono::duration<double>(clock_type::now() - start_).count();
    const double rate = samples / std::max(secs, 1e-9);
    const double eta = (batches_ - done) * (secs / std::max<std::size_t>(done, 1));
    if (tty_) {
      const int width = 30, filled = static_cast<int>(width * done / batches_);
      std::printf("\r  epoch %2d/%d [%.*s%*s] %5zu/%zu batches  %7.0f samples/s  loss %.4f  ETA %4.1fs ", epoch_, epochs_,
                  filled, "##############################", width - filled, "", done, batches_, rate, running_loss, eta);
      std::fflush(stdout);
    } else if (done == batches_ || done % (batches_ / 4 + 1) == 0) {
      std::printf("  epoch %d/%d: %zu/%zu batches, %.0f samples/s, loss %.4f, ETA %.1fs\n", epoch_, epochs_, done,
                  batches_, rate, running_loss, eta);
    }
  }
  void finish() {
    if (tty_) std::printf("\r%*s\r", 110, "");
  }

 private:
  int epoch_, epochs_;
  std::size_t batches_;
  bool tty_;
  clock_type::time_point start_;
};

struct epoch_row {
  int epoch;
  double train_loss, test_accuracy, seconds;
};

void write_csv(const fs::path& path, const std::vector<epoch_row>& rows) {
  std::ofstream f(path);
  f << "epoch,train_loss,test_accuracy,seconds\n";
  for (const auto& r : rows) f << r.epoch << ',' << r.train_loss << ',' << r.test_accuracy << ',' << r.seconds << '\n';
}

/// A dependency-free SVG: training loss (left axis) and test accuracy (right).
void write_svg(const fs::path& path, const std::vector<epoch_row>& rows, const std::string& title) {
  const double W = 640, H = 400, L = 60, R = 60, T = 40, B = 50;
  double max_loss = 0, min_acc = 1, max_acc = 0;
  for (const auto& r : rows) {
    max_loss = std::max(max_loss, r.train_loss);
    min_acc = std::min(min_acc, r.test_accuracy);
    max_acc = std::max(max_acc, r.test_accuracy);
  }
  min_acc = std::floor(min_acc * 50) / 50;
  max_acc = std::min(1.0, std::ceil(max_acc * 50) / 50 + 1e-9);
  const double n = static_cast<double>(std::max<std::size_t>(rows.size(), 2) - 1);
  auto px = [&](std::size_t i) { return L + (W - L - R) * (rows.size() == 1 ? 0.5 : i / n); };
  auto py_loss = [&](double v) { return T + (H - T - B) * (1 - v / max_loss); };
  auto py_acc = [&](double v) { return T + (H - T - B) * (1 - (v - min_acc) / std::max(max_acc - min_acc, 1e-9)); };
  std::ofstream f(path);
  f << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H << "' font-family='sans-serif' font-size='12'>\n"
    << "<rect width='100%' height='100%' fill='white'/>\n"
    << "<text x='" << W / 2 << "' y='22' text-anchor='middle' font-size='14'>" << title << "</text>\n"
    << "<line x1='" << L << "' y1='" << H - B << "' x2='" << W - R << "' y2='" << H - B << "' stroke='black'/>\n"
    << "<line x1='" << L << "' y1='" << T << "' x2='" << L << "' y2='" << H - B << "' stroke='#1f77b4'/>\n"
    << "<line x1='" << W - R << "' y1='" << T << "' x2='" << W - R << "' y2='" << H - B << "' stroke='#d62728'/>\n"
    << "<text x='" << W / 2 << "' y='" << H - 12 << "' text-anchor='middle'>epoch</text>\n"
    << "<text x='14' y='" << H / 2 << "' transform='rotate(-90 14 " << H / 2 << ")' text-anchor='middle' fill='#1f77b4'>train loss</text>\n"
    << "<text x='" << W - 14 << "' y='" << H / 2 << "' transform='rotate(90 " << W - 14 << " " << H / 2 << ")' text-anchor='middle' fill='#d62728'>test accuracy</text>\n";
  for (int t = 0; t <= 4; ++t) {
    const double lv = max_loss * t / 4, av = min_acc + (max_acc - min_acc) * t / 4;
    f << "<text x='" << L - 6 << "' y='" << py_loss(lv) + 4 << "' text-anchor='end' fill='#1f77b4'>" << std::to_string(lv).substr(0, 5) << "</text>\n"
      << "<text x='" << W - R + 6 << "' y='" << py_acc(av) + 4 << "' fill='#d62728'>" << std::to_string(av * 100).substr(0, 5) << "%</text>\n";
  }
  for (std::size_t i = 0; i < rows.size(); ++i)
    f << "<text x='" << px(i) << "' y='" << H - B + 16 << "' text-anchor='middle'>" << rows[i].epoch << "</text>\n";
  f << "<polyline fill='none' stroke='#1f77b4' stroke-width='2' points='";
  for (std::size_t i = 0; i < rows.size(); ++i) f << px(i) << ',' << py_loss(rows[i].train_loss) << ' ';
  f << "'/>\n<polyline fill='none' stroke='#d62728' stroke-width='2' points='";
  for (std::size_t i = 0; i < rows.size(); ++i) f << px(i) << ',' << py_acc(rows[i].test_accuracy) << ' ';
  f << "'/>\n</svg>\n";
}

/// The fallback task when the data set is missing.
dataset spirals(std::size_t count, std::uint64_t seed) {
  auto points = examples::make_spirals(count, seed);
  dataset d;
  d.count = count;
  d.features = 2;
  d.xf = std::move(points.x);
  d.y = std::move(points.y);
  return d;
}

/// Test accuracy: forward_batch over the pool, 256 samples at a time.
template <class Net>
double accuracy(const Net& net, const dataset& d, ctnn::thread_pool& pool) {
  constexpr std::size_t chunk = 256;
  static std::array<float, chunk * Net::input_size> x;
  static std::array<float, chunk * Net::output_size> y;
  std::size_t correct = 0;
  for (std::size_t i0 = 0; i0 < d.count; i0 += chunk) {
    const std::size_t n = std::min(chunk, d.count - i0);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t f = 0; f < Net::input_size; ++f) x[r * Net::input_size + f] = d.input(i0 + r, f);
    net.forward_batch(std::span<const float>(x.data(), n * Net::input_size),
                      std::span<float>(y.data(), n * Net::output_size), pool);
    for (std::size_t r = 0; r < n; ++r) {
      const float* p = y.data() + r * Net::output_size;
      const auto best = static_cast<std::size_t>(std::max_element(p, p + Net::output_size) - p);
      correct += best == d.y[i0 + r];
    }
  }
  return static_cast<double>(correct) / static_cast<double>(d.count);
}

template <class Net, class Opt, std::size_t Batch>
int train(const options& o, const dataset& train_set, const dataset& test_set, Opt opt, const char* task) {
  static Net net;  // ~1 MB: static storage, never the stack
  static ctnn::trainer<Net, ctnn::cross_entropy, Opt, Batch> tr{opt};
  static std::array<float, Batch * Net::input_size> xb;
  static std::array<std::uint32_t, Batch> yb;
  ctnn::thread_pool pool(o.threads);  // created once; every step splits its GEMMs over it
  tr.use_threads(pool);
  ctnn::initialize(net, o.seed);
  fs::create_directories(o.out);
  std::vector<std::size_t> order(train_set.count);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  ctnn::rng shuffle(o.seed ^ 0x5eedULL);
  const std::size_t batches = train_set.count / Batch;  // the remainder is reshuffled into the next epoch
  std::vector<epoch_row> rows;
  std::printf("ctnn %s: %s, %zu parameters, %s lr %g (x%g per epoch), batch %zu, %d epochs, seed %llu, %u thread%s\n",
              task, ctnn::network_signature<Net>().c_str(), Net::parameter_count, o.optimizer.c_str(),
              static_cast<double>(o.lr), static_cast<double>(o.lr_decay), Batch, o.epochs,
              static_cast<unsigned long long>(o.seed), pool.size(), pool.size() == 1 ? "" : "s");
  const auto run_start = clock_type::now();
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[shuffle.below(i + 1)]);
    progress bar(epoch, o.epochs, batches);
    const auto t0 = clock_type::now();
    double loss_sum = 0;
    for (std::size_t b = 0; b < batches; ++b) {
      for (std::size_t s = 0; s < Batch; ++s) {
        const std::size_t i = order[b * Batch + s];
        for (std::size_t f = 0; f < Net::input_size; ++f) xb[s * Net::input_size + f] = train_set.input(i, f);
        yb[s] = train_set.y[i];
      }
      const float loss = tr.step(net, xb, yb);
      if (!std::isfinite(loss)) {
        std::fprintf(stderr, "\nfashion_mnist: the loss became %f at epoch %d; lower --lr\n", static_cast<double>(loss), epoch);
        return 1;
      }
      loss_sum += loss;
      if (b % 50 == 49 || b + 1 == batches) bar.update(b + 1, (b + 1) * Batch, loss_sum / static_cast<double>(b + 1));
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    bar.finish();
    const double acc = accuracy(net, test_set, pool);
    rows.push_back({epoch, loss_sum / static_cast<double>(batches), acc, secs});
    std::printf("epoch %2d: train loss %.4f, test accuracy %.2f%%, %.2f s (%.0f samples/s)\n", epoch,
                rows.back().train_loss, acc * 100, secs, static_cast<double>(batches * Batch) / secs);
    std::fflush(stdout);
    tr.optimizer().learning_rate *= o.lr_decay;
  }
  const double total = std::chrono::duration<double>(clock_type::now() - run_start).count();

  // Save, reload into a fresh network, check, export.
  const fs::path model = o.out / "model.ctnn", header = o.out / "model.hpp";
  ctnn::save(net, model);
  static Net reloaded;
  ctnn::load(reloaded, model);
  const double acc_reloaded = accuracy(reloaded, test_set, pool);
  ctnn::export_header(net, header, "fashion_model");
  // The same model with bf16 weights (half the bytes; inference only).
  static ctnn::bf16_network<Net> compact;
  compact.assign(net);
  const double acc_bf16 = accuracy(compact, test_set, pool);
  write_csv(o.out / "metrics.csv", rows);
  write_svg(o.out / "learning_curve.svg", rows, std::string("ctnn ") + task + ": " + o.optimizer + ", batch " + std::to_string(Batch));
  std::printf("final test accuracy %.2f%% after %d epochs, %.1f s in total\n", rows.back().test_accuracy * 100,
              o.epochs, total);
  std::printf("saved %s (%ju bytes); reloaded: test accuracy %.2f%% (%s)\n", model.c_str(),
              static_cast<std::uintmax_t>(fs::file_size(model)), acc_reloaded * 100,
              acc_reloaded == rows.back().test_accuracy ? "identical" : "DIFFERENT");
  std::printf("bf16 weights (ctnn::bf16_network): test accuracy %.2f%% (%+.2f points vs fp32)\n", acc_bf16 * 100,
              (acc_bf16 - rows.back().test_accuracy) * 100);
  std::printf("exported %s; wrote %s and %s\n", header.c_str(), (o.out / "metrics.csv").c_str(),
              (o.out / "learning_curve.svg").c_str());
  return acc_reloaded == rows.back().test_accuracy ? 0 : 1;
}

template <class Net, std::size_t Batch>
int train_with(const options& o, const dataset& tr, const dataset& te, const char* task) {
  if (o.optimizer == "sgd") return train<Net, ctnn::sgd, Batch>(o, tr, te, ctnn::sgd{.learning_rate = o.lr, .momentum = 0.9f}, task);
  if (o.optimizer == "adamw") return train<Net, ctnn::adamw, Batch>(o, tr, te, ctnn::adamw{.learning_rate = o.lr}, task);
  return train<Net, ctnn::adam, Batch>(o, tr, te, ctnn::adam{.learning_rate = o.lr}, task);
}

template <class Net>
int dispatch_batch(const options& o, const dataset& tr, const dataset& te, const char* task) {
  if (o.batch == 32) return train_with<Net, 32>(o, tr, te, task);
  if (o.batch == 128) return train_with<Net, 128>(o, tr, te, task);
  return train_with<Net, 64>(o, tr, te, task);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) return 2;
  using FashionNet = ctnn::network<ctnn::input<784>, ctnn::dense<256, ctnn::relu>, ctnn::dense<128, ctnn::relu>,
                                   ctnn::dense<10, ctnn::softmax>>;
  const fs::path files[4] = {o.data / "train-images-idx3-ubyte.gz", o.data / "train-labels-idx1-ubyte.gz",
                             o.data / "t10k-images-idx3-ubyte.gz", o.data / "t10k-labels-idx1-ubyte.gz"};
  bool have_data = true;
  for (const auto& f : files) have_data = have_data && fs::exists(f);
  if (!have_data) {
    std::printf("fashion_mnist: no Fashion-MNIST in %s (install Debian's dataset-fashion-mnist, or pass --data DIR);\n"
                "falling back to the embedded two-spirals task with a 2-64-64-2 ReLU network.\n",
                o.data.c_str());
    using SpiralNet = ctnn::network<ctnn::input<2>, ctnn::dense<64, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                                    ctnn::dense<2, ctnn::softmax>>;
    if (o.lr == options{}.lr) o.lr = 1e-2f;              // defaults suited to the small task
    if (o.epochs == options{}.epochs) o.epochs = 100;
    if (o.lr_decay == options{}.lr_decay) o.lr_decay = 0.98f;
    return dispatch_batch<SpiralNet>(o, spirals(8192, o.seed), spirals(2048, o.seed + 1), "two spirals");
  }
  try {
    const auto t0 = clock_type::now();
    const auto train_images = ctnn::data::read_idx_images(files[0]);
    const auto train_labels = ctnn::data::read_idx_labels(files[1]);
    const auto test_images = ctnn::data::read_idx_images(files[2]);
    const auto test_labels = ctnn::data::read_idx_labels(files[3]);
    auto check = [](const ctnn::data::idx_images& im, const ctnn::data::idx_labels& lb, const char* which) {
      if (im.rows != 28 || im.cols != 28)
        throw ctnn::data::idx_error(std::string(which) + " images are " + std::to_string(im.rows) + "x" +
                                    std::to_string(im.cols) + ", expected 28x28");
      if (im.count != lb.count())
        throw ctnn::data::idx_error(std::string(which) + ": " + std::to_string(im.count) + " images but " +
                                    std::to_string(lb.count()) + " labels");
      for (auto l : lb.labels)
        if (l > 9) throw ctnn::data::idx_error(std::string(which) + ": label " + std::to_string(l) + " is not a class 0-9");
    };
    check(train_images, train_labels, "training");
    check(test_images, test_labels, "test");
    dataset tr{train_images.count, 784, train_images.pixels, train_labels.labels, 1.0f / 255.0f, {}};
    dataset te{test_images.count, 784, test_images.pixels, test_labels.labels, 1.0f / 255.0f, {}};
    std::printf("loaded Fashion-MNIST from %s: %zu training, %zu test images (%.2f s)\n", o.data.c_str(), tr.count,
                te.count, std::chrono::duration<double>(clock_type::now() - t0).count());
    return dispatch_batch<FashionNet>(o, tr, te, "Fashion-MNIST");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fashion_mnist: %s\n", e.what());
    return 1;
  }
}
