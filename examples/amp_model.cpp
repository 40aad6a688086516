// SPDX-License-Identifier: Apache-2.0
// Learn a real audio effect from real recorded audio: a guitar overdrive
// (sox's `overdrive 20 20 lowpass 3000`) modelled by y = x + W·LSTM16(x) + b,
// trained by truncated backpropagation through time (ctnn::sequence_trainer)
// on a clean electric guitar that FluidSynth renders from a MIDI file.
//
//   python3 tools/make_amp_data.py amp_data      # the data (fluidsynth, sox)
//   amp_model [--data amp_data] [--out amp_out] [--epochs 30] [--cell lstm|gru]
//             [--seconds S] [--threads N] [--seed N] [--lr 5e-3] [--lr-decay 0.95]
//             [--clip 0]
//
// The recipe is the amp-modelling literature's (Wright et al. 2020): the
// training audio cut into segments of 0.5 s, 32 segments a batch; each
// batch's states settled by a warm-up of 1,000 samples without gradient,
// then one Adam update per window of 2,048 samples (lr 5e-3, × 0.95 after
// every epoch: with a constant rate both frameworks' runs spike at epoch
// 15 and part ways), the state carried from window to window; the loss is
// the ESR of first-order pre-emphasised signals (1 − 0.85 z⁻¹). The audio is
// split by time: the
// first 80 % trains, the next 10 % validates (the best epoch is kept), the
// last 10 % tests. Segment order: a Fisher–Yates shuffle per epoch driven by
// a 64-bit LCG that tools/amp_model_pytorch.py reproduces, as it reproduces
// the initial parameters (written to OUT/init_params.txt): the same recipe
// in PyTorch, for comparison.
//
// Writes to OUT: learning_curve.svg, test_prediction.wav, test_plot.svg
// (target and prediction over 20 ms), amp_model.ctnn, amp_model.hpp
// (ctnn::export_header), init_params.txt and summary.txt. Without
// DATA/clean.wav and DATA/target.wav it says so and trains on a synthetic
// fallback (plucked tones through tanh(5x) and a one-pole low-pass).
#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "wav.hpp"

namespace {
namespace fs = std::filesystem;

constexpr std::size_t kBatch = 32, kSteps = 2048, kWarm = 1000;
constexpr double kPreEmphasis = 0.85;
using Loss = ctnn::esr_loss<85, 100>;
template <class Cell>
using Amp = ctnn::network<ctnn::input<1>, ctnn::residual<Cell, ctnn::dense<1>>>;

struct options {
  fs::path data = "amp_data", out = "amp_out";
  int epochs = 30;
  std::string cell = "lstm";
  double seconds = 0;  // 0: all the audio
  unsigned threads = 1;
  std::uint64_t seed = 1;
  float lr = 5e-3f;      // Adam's learning rate in the first epoch
  float lr_decay = 0.95f;  // multiplies it after every epoch
  float clip = 0.0f;      // max_grad_norm (0: no clipping)
};

/// ESR of `pred` against `target`, optionally on pre-emphasised signals.
double esr(const std::vector<float>& pred, const std::vector<float>& target, double c) {
  double err = 0, energy = 0;
  for (std::size_t i = 1; i < target.size(); ++i) {
    const double y = target[i] - c * target[i - 1], p = pred[i] - c * pred[i - 1];
    err += (y - p) * (y - p);
    energy += y * y;
  }
  return err / (energy + 1e-30);
}

/// The segment order of each epoch: Fisher–Yates, 64-bit LCG (Knuth's MMIX
/// constants), the top 31 bits of each draw.
struct shuffler {
  std::uint64_t s;
  std::uint64_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  }
  void shuffle(std::vector<std::size_t>& v) {
    for (std::size_t i = v.size() - 1; i > 0; --i) std::swap(v[i], v[next() % (i + 1)]);
  }
};

/// The synthetic fallback: plucked tones, target = lowpass(tanh(5x)).
void synthesize(std::vector<float>& clean, std::vector<float>& target, double seconds) {
  const std::size_t n = static_cast<std::size_t>(seconds * 48000);
  clean.assign(n, 0.0f);
  ctnn::rng g(11);
  for (std::size_t start = 0; start < n; start += 12000 + g.below(24000)) {
    const double f = 82.4 * std::pow(2.0, static_cast<double>(g.below(30)) / 12.0), amp = 0.1 + 0.4 * g.uniform();
    for (std::size_t i = start; i < std::min(n, start + 48000); ++i) {
      const double t = static_cast<double>(i - start) / 48000;
      double v = 0;
      for (int h = 1; h <= 6; ++h) v += std::sin(2 * M_PI * f * h * t) / h;
      clean[i] += static_cast<float>(amp * std::exp(-3 * t) * v * 0.5);
    }
  }
  target.resize(n);
  double lp = 0;
  for (std::size_t i = 0; i < n; ++i) target[i] = static_cast<float>(lp += 0.3 * (std::tanh(5 * clean[i]) * 0.5 - lp));
}

template <class Net>
std::vector<float> predict(Net& net, const std::vector<float>& x) {
  std::vector<float> y(x.size());
  net.reset();
  net.forward_sequence(std::span<const float>(x), std::span<float>(y));
  return y;
}

std::string polyline(const std::vector<double>& v, double x0, double dx, double y0, double scale, const char* colour) {
  std::string s = "<polyline fill='none' stroke='" + std::string(colour) + "' stroke-width='1.5' points='";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x0 + dx * static_cast<double>(i), y0 - scale * v[i]);
    s += buf;
  }
  return s + "'/>\n";
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  if (!f) throw std::runtime_error(p.string() + ": write failed");
}

/// Learning curve: log10 of the training loss and of the validation ESR per epoch.
void learning_curve_svg(const fs::path& p, const std::vector<double>& train, const std::vector<double>& val) {
  auto logs = [](const std::vector<double>& v) {
    std::vector<double> l;
    for (double e : v) l.push_back(std::log10(std::max(e, 1e-6)));
    return l;
  };
  const auto lt = logs(train), lv = logs(val);
  double lo = 0, hi = 0;
  for (double e : lt) lo = std::min(lo, e), hi = std::max(hi, e);
  for (double e : lv) lo = std::min(lo, e), hi = std::max(hi, e);
  lo = std::floor(lo), hi = std::max(std::ceil(hi), lo + 1);
  const double w = 560, h = 300, dx = train.size() > 1 ? w / static_cast<double>(train.size() - 1) : w;
  const double scale = h / (hi - lo);
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='640' height='380' font-family='sans-serif' font-size='12'>\n"
                  "<rect width='640' height='380' fill='white'/>\n"
                  "<text x='60' y='20'>training loss: pre-emphasised ESR (blue); validation ESR (red); log scale</text>\n";
  for (double d = lo; d <= hi + 1e-9; d += 1) {
    char buf[200];
    const double y = 340 - (d - lo) * scale;
    std::snprintf(buf, sizeof buf, "<line x1='60' x2='620' y1='%.1f' y2='%.1f' stroke='#ddd'/><text x='10' y='%.1f'>1e%+.0f</text>\n", y, y,
                  y + 4, d);
    s += buf;
  }
  std::vector<double> st, sv;
  for (double e : lt) st.push_back(e - lo);
  for (double e : lv) sv.push_back(e - lo);
  s += polyline(st, 60, dx, 340, scale, "#1f77b4") + polyline(sv, 60, dx, 340, scale, "#d62728");
  char axis[200];
  std::snprintf(axis, sizeof axis, "<text x='56' y='358'>1</text><text x='606' y='358'>%zu</text><text x='300' y='372'>epoch</text>\n",
                train.size());
  s += std::string(axis) + "</svg>\n";
  write_text(p, s);
}

/// Target and prediction over 20 ms of the test audio (the loudest stretch).
void waveform_svg(const fs::path& p, const std::vector<float>& target, const std::vector<float>& pred, unsigned rate) {
  const std::size_t n = rate / 50;  // 20 ms
  std::size_t best = 0;
  double loudest = -1;
  for (std::size_t i = 0; i + n < target.size(); i += n) {
    double e = 0;
    for (std::size_t k = i; k < i + n; ++k) e += static_cast<double>(target[k]) * target[k];
    if (e > loudest) loudest = e, best = i;
  }
  std::vector<double> t(target.begin() + static_cast<std::ptrdiff_t>(best), target.begin() + static_cast<std::ptrdiff_t>(best + n));
  std::vector<double> q(pred.begin() + static_cast<std::ptrdiff_t>(best), pred.begin() + static_cast<std::ptrdiff_t>(best + n));
  char head[600];
  std::snprintf(head, sizeof head,
                "<svg xmlns='http://www.w3.org/2000/svg' width='640' height='320' font-family='sans-serif' font-size='12'>\n"
                "<rect width='640' height='320' fill='white'/>\n<text x='20' y='20'>20 ms of the test audio from %.3f s: "
                "target (black) and prediction (orange)</text>\n<line x1='20' x2='620' y1='170' y2='170' stroke='#ccc'/>\n",
                static_cast<double>(best) / rate);
  write_text(p, head + polyline(t, 20, 600.0 / static_cast<double>(n), 170, 140, "black") +
                    polyline(q, 20, 600.0 / static_cast<double>(n), 170, 140, "#ff7f0e") + "</svg>\n");
}

template <class Cell>
int train(const options& o, std::vector<float> clean, std::vector<float> target, unsigned rate) {
  using Net = Amp<Cell>;
  using Trainer = ctnn::sequence_trainer<Net, Loss, ctnn::adam, kBatch, kSteps>;
  static Net net;  // a few KB
  static Trainer tr;  // the window's caches: static storage
  tr.optimizer() = ctnn::adam{.learning_rate = o.lr, .max_grad_norm = o.clip};
  ctnn::initialize(net, o.seed);  // PyTorch's default initialisation
  std::vector<float> p(Net::parameter_count), best_p;
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(p));
  {
    std::string s = "params " + std::to_string(p.size());
    char buf[32];
    for (float v : p) std::snprintf(buf, sizeof buf, " %.9g", v), s += buf;
    write_text(o.out / "init_params.txt", s + "\n");
  }

  // Split by time: 80 % train, 10 % validation, 10 % test.
  const std::size_t n = clean.size(), n_train = n * 8 / 10, n_val = n / 10;
  const std::vector<float> val_x(clean.begin() + n_train, clean.begin() + n_train + n_val),
      val_y(target.begin() + n_train, target.begin() + n_train + n_val),
      test_x(clean.begin() + n_train + n_val, clean.end()), test_y(target.begin() + n_train + n_val, target.end());
  const std::size_t seg = rate / 2, windows = (seg - kWarm) / kSteps, segments = n_train / seg;
  const std::size_t batches = segments / kBatch;
  if (batches == 0) throw std::runtime_error("too little training audio: " + std::to_string(segments) +
                                             " segments of 0.5 s, a batch needs " + std::to_string(kBatch));
  std::printf("%s model y = x + W·%s16(x) + b, %zu parameters; trainer %.1f MB; %zu segments of 0.5 s, "
              "%zu batches of %zu, %zu windows of %zu samples each, %d epochs, %u thread(s)\n",
              o.cell.c_str(), o.cell == "lstm" ? "LSTM" : "GRU", Net::parameter_count, sizeof(Trainer) / 1e6, segments, batches,
              kBatch, windows, kSteps, o.epochs, o.threads);

  ctnn::thread_pool pool(o.threads);
  if (o.threads > 1) tr.use_threads(pool);
  std::vector<std::size_t> order(segments);
  shuffler rng{o.seed};
  std::vector<float> warm(kBatch * kWarm), x(kBatch * kSteps), y(kBatch * kSteps);
  std::vector<double> train_curve, val_curve;
  double best_val = 1e30, train_seconds = 0;
  int best_epoch = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    if (epoch > 1) tr.optimizer().learning_rate *= o.lr_decay;
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng.shuffle(order);
    const auto t0 = std::chrono::steady_clock::now();
    double loss_sum = 0;
    std::size_t steps = 0;
    for (std::size_t bi = 0; bi < batches; ++bi) {
      tr.reset();
      for (std::size_t b = 0; b < kBatch; ++b)
        std::copy_n(clean.begin() + static_cast<std::ptrdiff_t>(order[bi * kBatch + b] * seg), kWarm,
                    warm.begin() + static_cast<std::ptrdiff_t>(b * kWarm));
      tr.warm_up(net, warm);
      for (std::size_t w = 0; w < windows; ++w) {
        for (std::size_t b = 0; b < kBatch; ++b) {
          const std::size_t at = order[bi * kBatch + b] * seg + kWarm + w * kSteps;
          std::copy_n(clean.begin() + static_cast<std::ptrdiff_t>(at), kSteps, x.begin() + static_cast<std::ptrdiff_t>(b * kSteps));
          std::copy_n(target.begin() + static_cast<std::ptrdiff_t>(at), kSteps, y.begin() + static_cast<std::ptrdiff_t>(b * kSteps));
        }
        loss_sum += tr.step(net, typename Trainer::input_window(x), typename Trainer::target_window(y));
        ++steps;
      }
      const int filled = static_cast<int>(30 * (bi + 1) / batches);
      std::printf("\repoch %3d/%d [%.*s%*s] %zu/%zu windows, loss %.4f", epoch, o.epochs, filled,
                  "##############################", 30 - filled, "", steps, batches * windows, loss_sum / steps);
      std::fflush(stdout);
    }
    train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double val = esr(predict(net, val_x), val_y, 0.0);
    train_curve.push_back(loss_sum / static_cast<double>(steps));
    val_curve.push_back(val);
    if (val < best_val) {
      best_val = val, best_epoch = epoch;
      ctnn::get_parameters(net, std::span<float, Net::parameter_count>(p));
      best_p = p;
    }
    std::printf("\repoch %3d/%d  train loss (pre-emphasised ESR) %.4f  validation ESR %.4f%s  (%.1f s training so far)\n",
                epoch, o.epochs, train_curve.back(), val, epoch == best_epoch ? " *" : "", train_seconds);
  }
  ctnn::set_parameters(net, std::span<const float, Net::parameter_count>(best_p));

  const std::vector<float> pred = predict(net, test_x);
  const double test_esr = esr(pred, test_y, 0.0), test_esr_pre = esr(pred, test_y, kPreEmphasis);
  // Real-time factor: the test audio one sample per call, as an audio callback runs it.
  net.reset();
  float sink = 0;
  const auto t1 = std::chrono::steady_clock::now();
  for (float s : test_x) sink += net.forward(std::array{s})[0];
  const double stream = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const double audio_seconds = static_cast<double>(test_x.size()) / rate;

  wav::write(o.out / "test_prediction.wav", wav::audio{rate, pred});
  learning_curve_svg(o.out / "learning_curve.svg", train_curve, val_curve);
  waveform_svg(o.out / "test_plot.svg", test_y, pred, rate);
  ctnn::save(net, o.out / "amp_model.ctnn");
  ctnn::export_header(net, o.out / "amp_model.hpp", "amp_model");
  char summary[700];
  std::snprintf(summary, sizeof summary,
                "cell %s\nlr %g\nlr_decay %g\nclip %g\nepochs %d\nbest_epoch %d\ntrain_seconds %.2f\n"
                "validation_esr %.5f\ntest_esr %.5f\n"
                "test_esr_pre_emphasis %.5f\nns_per_sample %.1f\nreal_time_factor %.6f\n",
                o.cell.c_str(), static_cast<double>(o.lr), static_cast<double>(o.lr_decay), static_cast<double>(o.clip),
                o.epochs, best_epoch, train_seconds, best_val, test_esr, test_esr_pre,
                stream / static_cast<double>(test_x.size()) * 1e9, stream / audio_seconds);
  write_text(o.out / "summary.txt", summary);
  std::printf("best epoch %d (validation ESR %.4f); test ESR %.4f (pre-emphasised %.4f) on %.1f s of test audio\n"
              "training: %.1f s on %u thread(s); streaming the model one sample per call: %.1f ns/sample, real-time "
              "factor %.5f at %u Hz (checksum %.3g)\nwrote %s/{learning_curve.svg, test_prediction.wav, test_plot.svg, "
              "amp_model.ctnn, amp_model.hpp, init_params.txt, summary.txt}\n",
              best_epoch, best_val, test_esr, test_esr_pre, audio_seconds, train_seconds, o.threads,
              stream / static_cast<double>(test_x.size()) * 1e9, stream / audio_seconds, rate,
              static_cast<double>(sink), o.out.c_str());
  return 0;
}

int run(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--data") o.data = value();
    else if (a == "--out") o.out = value();
    else if (a == "--epochs") o.epochs = std::stoi(value());
    else if (a == "--cell") o.cell = value();
    else if (a == "--seconds") o.seconds = std::stod(value());
    else if (a == "--threads") o.threads = static_cast<unsigned>(std::stoul(value()));
    else if (a == "--seed") o.seed = std::stoull(value());
    else if (a == "--lr") o.lr = std::stof(value());
    else if (a == "--lr-decay") o.lr_decay = std::stof(value());
    else if (a == "--clip") o.clip = std::stof(value());
    else throw std::invalid_argument("unknown option " + a + " (see the comment at the top of examples/amp_model.cpp)");
  }
  if (o.cell != "lstm" && o.cell != "gru") throw std::invalid_argument("--cell must be lstm or gru");
  if (o.epochs < 1 || o.threads < 1) throw std::invalid_argument("--epochs and --threads must be at least 1");
  if (!(o.lr > 0) || !(o.lr_decay > 0) || !(o.clip >= 0))
    throw std::invalid_argument("--lr and --lr-decay must be positive, --clip at least 0");
  fs::create_directories(o.out);
  std::vector<float> clean, target;
  unsigned rate = 48000;
  if (fs::exists(o.data / "clean.wav") && fs::exists(o.data / "target.wav")) {
    wav::audio c = wav::read(o.data / "clean.wav"), t = wav::read(o.data / "target.wav");
    if (c.sample_rate != t.sample_rate || c.samples.size() != t.samples.size())
      throw std::runtime_error("clean.wav and target.wav differ in sample rate or length");
    rate = c.sample_rate, clean = std::move(c.samples), target = std::move(t.samples);
    std::printf("data: %s/clean.wav -> target.wav (%.1f s at %u Hz; made by tools/make_amp_data.py)\n", o.data.c_str(),
                static_cast<double>(clean.size()) / rate, rate);
  } else {
    std::printf("no recorded audio in %s (make it with: python3 tools/make_amp_data.py %s, which needs apt-get "
                "install fluidsynth fluid-soundfont-gm sox): training on a synthetic fallback (plucked tones through "
                "tanh(5x) and a one-pole low-pass)\n",
                o.data.c_str(), o.data.c_str());
    synthesize(clean, target, o.seconds > 0 ? o.seconds : 60.0);
  }
  if (o.seconds > 0 && clean.size() > static_cast<std::size_t>(o.seconds * rate)) {
    clean.resize(static_cast<std::size_t>(o.seconds * rate));
    target.resize(clean.size());
  }
  return o.cell == "lstm" ? train<ctnn::lstm<16>>(o, std::move(clean), std::move(target), rate)
                          : train<ctnn::gru<16>>(o, std::move(clean), std::move(target), rate);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "amp_model: %s\n", e.what());
    return 1;
  }
}
