// SPDX-License-Identifier: Apache-2.0
// Training through time (issue 16), baselines in the same binary: one
// truncated-BPTT update — forward over a window of T steps of B sequences,
// loss, backward through time, Adam — in time steps per second (B·T per
// update), ctnn::sequence_trainer against a hand-written Eigen BPTT of the
// same model:
//   TR1 the amp model of examples/amp_model: y = x + W·LSTM16(x) + b on one
//       input, pre-emphasised ESR, B 32 × T 2048
//   TR2 GRU-32 (input 32), mse on h, B 32 × T 512
//   TR3 LSTM-32 (input 32), mse on h, B 32 × T 512
// The Eigen version is what a competent Eigen user writes: the batch as the
// columns of fixed-size per-step matrices ([G·H × B] gates), the input
// projections of the whole window and every weight gradient as one large
// product over all B·T columns, the recurrent products per step, Eigen's
// vectorised logistic/tanh, Adam as array expressions on one flat parameter
// vector; both storage orders of the weights, the faster counts.
// Usage: sequence_training_bench [--quick] [google-benchmark flags].
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "ctnn/ctnn.hpp"

#include <hwy/highway.h>

namespace {
using namespace ctnn_bench;
using ctnn::input;
using ctnn::network;

using TR1 = network<input<1>, ctnn::residual<ctnn::lstm<16>, ctnn::dense<1>>>;
using TR2 = network<input<32>, ctnn::gru<32>>;
using TR3 = network<input<32>, ctnn::lstm<32>>;
using AmpLoss = ctnn::esr_loss<85, 100>;

/// B sequences of `steps` rows of `width` floats ([b][t][i]): a decaying
/// tone plus noise; targets: a saturated, delayed copy.
std::vector<float> make_signal(std::size_t batch, std::size_t steps, std::size_t width, std::uint64_t seed,
                               bool target) {
  std::vector<float> v(batch * steps * width);
  ctnn::rng g(seed);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double t = static_cast<double>(i / width % steps) / 48000.0;
    const double x = 0.6 * std::sin(2 * 3.14159265 * (196.0 + 20.0 * static_cast<double>(i % width)) * t) *
                         std::exp(-3 * t) +
                     0.2 * (2 * g.uniform() - 1);
    v[i] = static_cast<float>(target ? std::tanh(3 * x) * 0.5 : x);
  }
  return v;
}

// ------------------------------------------------------------ ctnn
template <class Net, class Loss, std::size_t B, std::size_t T>
void TR_ctnn(benchmark::State& state) {
  using Tr = ctnn::sequence_trainer<Net, Loss, ctnn::adam, B, T>;
  static auto net = std::make_unique<Net>();
  static auto tr = std::make_unique<Tr>(ctnn::adam{.learning_rate = 1e-3f});
  ctnn::initialize(*net, 42);
  const auto x = make_signal(B, T, Net::input_size, 1, false);
  const auto y = make_signal(B, T, Net::output_size, 2, true);
  float loss = 0;
  for (auto _ : state) loss += tr->step(*net, typename Tr::input_window(x), typename Tr::target_window(y));
  benchmark::DoNotOptimize(loss);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * B * T));
}

// ------------------------------------------------------------ Eigen
template <int Rows, int Cols, int Order>
using Mat = Eigen::Matrix<float, Rows, Cols, (Cols == 1 ? Eigen::ColMajor : (Rows == 1 ? Eigen::RowMajor : Order))>;
using Dyn = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;

/// BPTT of a GRU (G = 3) or LSTM (G = 4) layer on I inputs with H units;
/// Amp: the amp model's head and skip (y = x + wo·h + bo, one input and
/// output) and the pre-emphasised ESR, else mse on h. B sequences × T steps.
template <int G, int I, int H, int B, int T, bool Amp, int Order>
struct eigen_bptt {
  static constexpr int GH = G * H, N = B * T, Out = Amp ? 1 : H;
  static constexpr int n_wih = GH * I, n_whh = GH * H, n_params = n_wih + n_whh + 2 * GH + (Amp ? H + 1 : 0);
  // One flat parameter vector (Adam runs on it), the matrices are maps into it.
  Eigen::VectorXf theta = Eigen::VectorXf::Zero(n_params), grad = theta, m = theta, v = theta;
  int step_count = 0;
  template <int R, int C>
  using MapM = Eigen::Map<Mat<R, C, Order>>;
  MapM<GH, I> wih{theta.data()}, gwih{grad.data()};
  MapM<GH, H> whh{theta.data() + n_wih}, gwhh{grad.data() + n_wih};
  Eigen::Map<Eigen::Matrix<float, GH, 1>> bih{theta.data() + n_wih + n_whh}, gbih{grad.data() + n_wih + n_whh};
  Eigen::Map<Eigen::Matrix<float, GH, 1>> bhh{theta.data() + n_wih + n_whh + GH},
      gbhh{grad.data() + n_wih + n_whh + GH};
  Eigen::Map<Eigen::Matrix<float, 1, H>> wo{theta.data() + n_wih + n_whh + 2 * GH},
      gwo{grad.data() + n_wih + n_whh + 2 * GH};
  // The window: inputs, gates (then their gradients), GRU's gh_n / LSTM's c
  // and tanh(c), hidden states, outputs — B·T columns, time-major.
  Dyn X = Dyn::Zero(I, N), A = Dyn::Zero(GH, N), dGH = Dyn::Zero(GH, N), Aux = Dyn::Zero(H, N),
      Tc = Dyn::Zero(H, N), Hs = Dyn::Zero(H, N), Y = Dyn::Zero(Out, N), dY = Dyn::Zero(Out, N),
      dH = Dyn::Zero(H, N), Tg = Dyn::Zero(1, N);
  Eigen::Matrix<float, H, B> h0 = Eigen::Matrix<float, H, B>::Zero(), c0 = h0;

  template <class Net>
  void load(const Net& net) {
    const auto& l = [&]() -> const auto& {
      if constexpr (Amp) return net.template layer<0>().template layer<0>();
      else return net.template layer<0>();
    }();
    for (int r = 0; r < GH; ++r) {
      const auto gu = static_cast<std::size_t>(r);
      for (int i = 0; i < I; ++i) wih(r, i) = l.weight_ih(gu, static_cast<std::size_t>(i));
      for (int j = 0; j < H; ++j) whh(r, j) = l.weight_hh(gu, static_cast<std::size_t>(j));
      bih(r) = l.bias_ih(gu);
      bhh(r) = l.bias_hh(gu);
    }
    if constexpr (Amp) {
      const auto& d = net.template layer<0>().template layer<1>();
      for (int j = 0; j < H; ++j) wo(j) = d.weight(0, static_cast<std::size_t>(j));
      theta(n_params - 1) = d.bias(0);
    }
  }

  float step(const std::vector<float>& x, const std::vector<float>& y) {
    for (int b = 0; b < B; ++b)
      for (int t = 0; t < T; ++t)
        for (int i = 0; i < I; ++i) X(i, t * B + b) = x[static_cast<std::size_t>((b * T + t) * I + i)];
    // Forward.
    A.noalias() = wih * X;
    A.colwise() += bih;
    for (int t = 0; t < T; ++t) {
      const auto hp = t == 0 ? Eigen::Ref<const Dyn>(h0) : Eigen::Ref<const Dyn>(Hs.middleCols(t * B - B, B));
      Eigen::Matrix<float, GH, B> gh = whh * hp;
      gh.colwise() += bhh;
      auto a = A.middleCols(t * B, B);
      if constexpr (G == 3) {
        a.topRows(2 * H) = (a.topRows(2 * H) + gh.template topRows<2 * H>()).array().logistic().matrix();
        Aux.middleCols(t * B, B) = gh.template bottomRows<H>();
        a.bottomRows(H) =
            (a.bottomRows(H).array() + a.topRows(H).array() * gh.template bottomRows<H>().array()).tanh().matrix();
        Hs.middleCols(t * B, B) =
            ((1.0f - a.middleRows(H, H).array()) * a.bottomRows(H).array() + a.middleRows(H, H).array() * hp.array())
                .matrix();
      } else {
        a += gh;
        a.topRows(2 * H) = a.topRows(2 * H).array().logistic().matrix();
        a.middleRows(2 * H, H) = a.middleRows(2 * H, H).array().tanh().matrix();
        a.bottomRows(H) = a.bottomRows(H).array().logistic().matrix();
        const auto cp = t == 0 ? Eigen::Ref<const Dyn>(c0) : Eigen::Ref<const Dyn>(Aux.middleCols(t * B - B, B));
        Aux.middleCols(t * B, B) =
            (a.middleRows(H, H).array() * cp.array() + a.topRows(H).array() * a.middleRows(2 * H, H).array()).matrix();
        Tc.middleCols(t * B, B) = Aux.middleCols(t * B, B).array().tanh().matrix();
        Hs.middleCols(t * B, B) = (a.bottomRows(H).array() * Tc.middleCols(t * B, B).array()).matrix();
      }
    }
    // Loss and dL/dy.
    double loss = 0;
    if constexpr (Amp) {
      Y.noalias() = wo * Hs;
      Y.array() += X.array() + theta(n_params - 1);
      constexpr double c = 0.85;
      double err = 0, energy = 0;
      const double n = static_cast<double>(B) * (T - 1);
      auto e = [&](const Dyn& s, int b, int t) { return s(0, t * B + b) - c * s(0, t * B + b - B); };
      for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t) Tg(0, t * B + b) = y[static_cast<std::size_t>(b * T + t)];
      for (int b = 0; b < B; ++b)
        for (int t = 1; t < T; ++t) {
          const double d = e(Y, b, t) - e(Tg, b, t), et = e(Tg, b, t);
          err += d * d, energy += et * et;
        }
      const double den = energy / n + 1e-5, k = 2.0 / (n * den);
      for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t) {
          double g = t >= 1 ? k * (e(Y, b, t) - e(Tg, b, t)) : 0.0;
          if (t + 1 < T) g -= c * k * (e(Y, b, t + 1) - e(Tg, b, t + 1));
          dY(0, t * B + b) = static_cast<float>(g);
        }
      loss = err / n / den;
      gwo.noalias() = dY * Hs.transpose();
      grad(n_params - 1) = dY.sum();
      dH.noalias() = wo.transpose() * dY;
    } else {
      for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
          for (int o = 0; o < H; ++o) {
            const float d = Hs(o, t * B + b) - y[static_cast<std::size_t>((b * T + t) * H + o)];
            loss += static_cast<double>(d) * d;
            dH(o, t * B + b) = 2.0f * d / static_cast<float>(N * H);
          }
      loss /= static_cast<double>(N) * H;
    }
    // Backward through time.
    Eigen::Matrix<float, H, B> dh = Eigen::Matrix<float, H, B>::Zero(), dc = dh;
    for (int t = T - 1; t >= 0; --t) {
      const auto hp = t == 0 ? Eigen::Ref<const Dyn>(h0) : Eigen::Ref<const Dyn>(Hs.middleCols(t * B - B, B));
      const Eigen::Array<float, H, B> d = dH.middleCols(t * B, B).array() + dh.array();
      auto a = A.middleCols(t * B, B);
      auto g = dGH.middleCols(t * B, B);
      if constexpr (G == 3) {
        const Eigen::Array<float, H, B> r = a.topRows(H).array(), z = a.middleRows(H, H).array(),
                                        n = a.bottomRows(H).array();
        const Eigen::Array<float, H, B> dan = d * (1 - z) * (1 - n * n);
        const Eigen::Array<float, H, B> dar = dan * Aux.middleCols(t * B, B).array() * r * (1 - r);
        const Eigen::Array<float, H, B> daz = d * (hp.array() - n) * z * (1 - z);
        g.topRows(H) = dar.matrix(), g.middleRows(H, H) = daz.matrix(), g.bottomRows(H) = (dan * r).matrix();
        a.topRows(2 * H) = g.topRows(2 * H);
        a.bottomRows(H) = dan.matrix();
        dh.noalias() = whh.transpose() * g;
        dh.array() += d * z;
      } else {
        const Eigen::Array<float, H, B> i = a.topRows(H).array(), f = a.middleRows(H, H).array(),
                                        gg = a.middleRows(2 * H, H).array(), o = a.bottomRows(H).array(),
                                        tc = Tc.middleCols(t * B, B).array();
        const auto cp = t == 0 ? Eigen::Ref<const Dyn>(c0) : Eigen::Ref<const Dyn>(Aux.middleCols(t * B - B, B));
        const Eigen::Array<float, H, B> dcc = d * o * (1 - tc * tc) + dc.array();
        a.topRows(H) = (dcc * gg * i * (1 - i)).matrix();
        a.middleRows(H, H) = (dcc * cp.array() * f * (1 - f)).matrix();
        a.middleRows(2 * H, H) = (dcc * i * (1 - gg * gg)).matrix();
        a.bottomRows(H) = (d * tc * o * (1 - o)).matrix();
        dc = (dcc * f).matrix();
        dh.noalias() = whh.transpose() * a;
      }
    }
    const Dyn& dGx = A;
    const Dyn& dGh = G == 3 ? dGH : A;
    gwih.noalias() = dGx * X.transpose();
    gbih = dGx.rowwise().sum();
    gwhh.noalias() = dGh.leftCols(B) * h0.transpose();
    gwhh.noalias() += dGh.rightCols(N - B) * Hs.leftCols(N - B).transpose();
    gbhh = dGh.rowwise().sum();
    // The state moves to the window's end (detached), Adam updates.
    h0 = Hs.rightCols(B);
    if constexpr (G == 4) c0 = Aux.rightCols(B);
    ++step_count;
    const float b1 = 0.9f, b2 = 0.999f, lr = 1e-3f, eps = 1e-8f;
    m = b1 * m + (1 - b1) * grad;
    v.array() = b2 * v.array() + (1 - b2) * grad.array().square();
    const float c1 = 1 - std::pow(b1, static_cast<float>(step_count)), c2 = 1 - std::pow(b2, static_cast<float>(step_count));
    theta.array() -= lr / c1 * m.array() / ((v.array() / c2).sqrt() + eps);
    return static_cast<float>(loss);
  }
};

template <class E, class Net, std::size_t B, std::size_t T>
void TR_eigen(benchmark::State& state) {
  static auto e = std::make_unique<E>();
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, 42);
  e->load(*net);
  const auto x = make_signal(B, T, Net::input_size, 1, false);
  const auto y = make_signal(B, T, Net::output_size, 2, true);
  float loss = 0;
  for (auto _ : state) loss += e->step(x, y);
  benchmark::DoNotOptimize(loss);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * B * T));
}

#define CTNN_TR_ROW(name, Net, Loss, G, I, H, B, T, Amp)                                                         \
  BENCHMARK(TR_ctnn<Net, Loss, B, T>)->Name("TR/" name "/ctnn")->Unit(benchmark::kMillisecond);                  \
  BENCHMARK(TR_eigen<eigen_bptt<G, I, H, B, T, Amp, Eigen::ColMajor>, Net, B, T>)                                 \
      ->Name("TR/" name "/eigen_colmajor")->Unit(benchmark::kMillisecond);                                        \
  BENCHMARK(TR_eigen<eigen_bptt<G, I, H, B, T, Amp, Eigen::RowMajor>, Net, B, T>)                                 \
      ->Name("TR/" name "/eigen_rowmajor")->Unit(benchmark::kMillisecond)

CTNN_TR_ROW("TR1_amp_lstm16", TR1, AmpLoss, 4, 1, 16, 32, 2048, true);
CTNN_TR_ROW("TR2_gru32", TR2, ctnn::mse, 3, 32, 32, 32, 512, false);
CTNN_TR_ROW("TR3_lstm32", TR3, ctnn::mse, 4, 32, 32, 32, 512, false);

constexpr const char* kRows[] = {"TR1_amp_lstm16", "TR2_gru32", "TR3_lstm32"};

/// The baseline computes what ctnn computes: the losses of two consecutive
/// updates (the second after an Adam step and with carried states) agree.
template <class Net, class Loss, class E, std::size_t B, std::size_t T>
void check_baseline(const char* name) {
  using Tr = ctnn::sequence_trainer<Net, Loss, ctnn::adam, B, T>;
  auto net = std::make_unique<Net>();
  auto tr = std::make_unique<Tr>(ctnn::adam{.learning_rate = 1e-3f});
  auto e = std::make_unique<E>();
  ctnn::initialize(*net, 42);
  e->load(*net);
  const auto x = make_signal(B, T, Net::input_size, 1, false);
  const auto y = make_signal(B, T, Net::output_size, 2, true);
  float lc[2], le[2];
  for (int k = 0; k < 2; ++k) {
    lc[k] = tr->step(*net, typename Tr::input_window(x), typename Tr::target_window(y));
    le[k] = e->step(x, y);
  }
  std::printf("baseline check %-15s losses ctnn %.6g %.6g, eigen %.6g %.6g%s\n", name, lc[0], lc[1], le[0], le[1],
              std::abs(lc[1] - le[1]) <= 1e-3f * std::abs(lc[1]) ? "" : "  <- DIFFERENT: the baseline is wrong");
}
}  // namespace

int main(int argc, char** argv) {
  initialize(argc, argv);
  std::printf("ctnn sequence-training benchmarks, static target %s (best this CPU supports: %s), %s\n",
              hwy::TargetName(HWY_STATIC_TARGET), hwy::TargetName(best_cpu_target()), compiler_name());
  check_baseline<TR1, AmpLoss, eigen_bptt<4, 1, 16, 32, 2048, true, Eigen::ColMajor>, 32, 2048>("TR1_amp_lstm16");
  check_baseline<TR2, ctnn::mse, eigen_bptt<3, 32, 32, 32, 512, false, Eigen::RowMajor>, 32, 512>("TR2_gru32");
  check_baseline<TR3, ctnn::mse, eigen_bptt<4, 32, 32, 32, 512, false, Eigen::ColMajor>, 32, 512>("TR3_lstm32");
  recording_reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  std::printf("\nTR: one BPTT update (forward, loss, backward through time, Adam), time steps per second (B x T per "
              "update); eigen = the faster storage order; ratio = ctnn / eigen\n");
  std::printf("%-15s %12s %12s %12s %8s\n", "row", "ctnn", "eigen col", "eigen row", "ratio");
  int met = 0, missed = 0;
  for (const char* r : kRows) {
    const std::string b = std::string("TR/") + r + "/";
    const double c = rep.items[b + "ctnn"], ec = rep.items[b + "eigen_colmajor"], er = rep.items[b + "eigen_rowmajor"];
    if (c == 0 || ec == 0 || er == 0) continue;
    const double ratio = c / std::max(ec, er);
    (ratio >= 1.5 ? met : missed) += 1;
    std::printf("%-15s %10.2f M %10.2f M %10.2f M %8.2f  %s\n", r, c / 1e6, ec / 1e6, er / 1e6, ratio,
                ratio >= 1.5 ? "met (>= 1.5)" : "MISSED (< 1.5)");
  }
  std::printf("goals on %s (static target %s), %s: %d met, %d missed\n", hwy::TargetName(best_cpu_target()),
              hwy::TargetName(HWY_STATIC_TARGET), compiler_name(), met, missed);
  return 0;
}
