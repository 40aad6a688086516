// SPDX-License-Identifier: Apache-2.0
// Sequence-layer benchmarks (issue 15), baselines in the same binary:
//   R  per-sample streaming, ns per time step, processing a signal one step
//      per call as an audio callback does (the state carries the chain):
//      R1 GRU-8 + dense 1 and R2 LSTM-16 + dense 1 on one input (amp models),
//      R3/R4/R5 GRU and LSTM alone with input = hidden = 16/32/64 (the sizes
//      peers publish), R6 four dilated causal Conv1D (8 channels, kernel 3,
//      dilations 1, 2, 4, 8, tanh) + dense 1.
//      Baseline: hand-written Eigen fixed-size cells — the gates as one
//      [G·H × I]·x and one [G·H × H]·h product, Eigen's vectorised
//      logistic/tanh — in both storage orders; the faster counts.
//   Q  network::forward_sequence over blocks of T = 64 and 512 steps
//      (same results as step by step; input projections as one GEMM).
//   R5 floor: a read-only pass over the network's bytes per step (the
//      weights of a 64-unit cell do not fit in L1: a step streams them).
//   Q chain (R3-R5): the recurrent part of a step alone — W_hh·h and the
//      gates from a fixed input projection, chained step to step: what a
//      step costs once all work that does not depend on the previous step
//      is gone, so per-sample / chain bounds any forward_sequence speed-up;
//      Q projection: the input projections alone, by the kernel's GEMM.
// Usage: sequence_bench [--quick] [google-benchmark flags].
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_util.hpp"
#include "ctnn/ctnn.hpp"

#include <hwy/highway.h>

namespace {
using namespace ctnn_bench;
using ctnn::input;
using ctnn::network;

using R1 = network<input<1>, ctnn::gru<8>, ctnn::dense<1>>;
using R2 = network<input<1>, ctnn::lstm<16>, ctnn::dense<1>>;
template <std::size_t H>
using RG = network<input<H>, ctnn::gru<H>>;
template <std::size_t H>
using RL = network<input<H>, ctnn::lstm<H>>;
using R6 = network<input<1>, ctnn::conv1d<8, 3, 1, ctnn::tanh>, ctnn::conv1d<8, 3, 2, ctnn::tanh>,
                   ctnn::conv1d<8, 3, 4, ctnn::tanh>, ctnn::conv1d<8, 3, 8, ctnn::tanh>, ctnn::dense<1>>;

/// Steps per benchmark iteration (the signal is cycled): ns per step =
/// 1e9 / items_per_second.
constexpr std::size_t kBlock = 512;

template <class Net>
Net& shared_net() {
  static auto net = [] {
    auto n = std::make_unique<Net>();
    ctnn::initialize(*n, 42);
    return n;
  }();
  return *net;
}

/// The recurrent layer of an R3-R5 network (its only layer).
template <class Net>
using first_layer_t = std::remove_cvref_t<decltype(shared_net<Net>().template layer<0>())>;

/// The end of one iteration: the outputs `p` count as used, memory as read.
inline void keep(const void* p) {
  benchmark::DoNotOptimize(p);
  benchmark::ClobberMemory();
}

/// Every benchmark processes kBlock steps per iteration.
inline void count_steps(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
}

/// kBlock steps of input: a guitar-like decaying tone plus noise, scaled
/// to ±0.8, Net::input_size floats per step.
template <class Net>
const std::vector<float>& signal() {
  static const std::vector<float> x = [] {
    std::vector<float> v(kBlock * Net::input_size);
    ctnn::rng g(7);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double t = static_cast<double>(i) / 48000.0;
      v[i] = static_cast<float>(0.6 * std::sin(2 * 3.14159265 * 196.0 * t) * std::exp(-3 * t) +
                                0.2 * (2 * g.uniform() - 1));
    }
    return v;
  }();
  return x;
}

// ------------------------------------------------------------ ctnn
template <class Net>
void R_ctnn(benchmark::State& state) {
  Net& net = shared_net<Net>();
  net.reset();
  const auto& x = signal<Net>();
  std::vector<float> y(kBlock * Net::output_size);
  for (auto _ : state) {
    for (std::size_t t = 0; t < kBlock; ++t)
      net.forward(std::span<const float, Net::input_size>(x.data() + t * Net::input_size, Net::input_size),
                  std::span<float, Net::output_size>(y.data() + t * Net::output_size, Net::output_size));
    keep(y.data());
  }
  count_steps(state);
}

// ------------------------------------------------------------ Eigen
template <int Rows, int Cols, int Order>
using Mat = Eigen::Matrix<float, Rows, Cols, (Cols == 1 ? Eigen::ColMajor : (Rows == 1 ? Eigen::RowMajor : Order))>;

/// A GRU (G = 3) or LSTM (G = 4) cell with fixed-size Eigen matrices in
/// PyTorch's layout, and an optional dense head of Out outputs.
template <int G, int I, int H, int Out, int Order>
struct eigen_rnn {
  Mat<G * H, I, Order> wih;
  Mat<G * H, H, Order> whh;
  Eigen::Matrix<float, G * H, 1> bih, bhh, gx, gh;
  Eigen::Matrix<float, H, 1> h, c;
  Mat<Out, H, Order> wo;
  Eigen::Matrix<float, Out, 1> bo;

  template <class Layer>
  void load(const Layer& l) {
    for (int r = 0; r < G * H; ++r) {
      const auto gu = static_cast<std::size_t>(r);
      for (int i = 0; i < I; ++i) wih(r, i) = l.weight_ih(gu, static_cast<std::size_t>(i));
      for (int j = 0; j < H; ++j) whh(r, j) = l.weight_hh(gu, static_cast<std::size_t>(j));
      bih(r) = l.bias_ih(gu);
      bhh(r) = l.bias_hh(gu);
    }
    h.setZero();
    c.setZero();
  }
  template <class Layer>
  void load_head(const Layer& l) {
    for (int o = 0; o < Out; ++o) {
      for (int j = 0; j < H; ++j) wo(o, j) = l.weight(static_cast<std::size_t>(o), static_cast<std::size_t>(j));
      bo(o) = l.bias(static_cast<std::size_t>(o));
    }
  }
  void step(const float* x, float* y) {
    gx.noalias() = wih * Eigen::Map<const Eigen::Matrix<float, I, 1>>(x);
    gx += bih;
    gh.noalias() = whh * h;
    gh += bhh;
    if constexpr (G == 3) {
      const Eigen::Array<float, H, 1> r = (gx.template head<H>() + gh.template head<H>()).array().logistic();
      const Eigen::Array<float, H, 1> z =
          (gx.template segment<H>(H) + gh.template segment<H>(H)).array().logistic();
      const Eigen::Array<float, H, 1> n =
          (gx.template tail<H>().array() + r * gh.template tail<H>().array()).tanh();
      h = ((1.0f - z) * n + z * h.array()).matrix();
    } else {
      const auto s = (gx + gh).array();
      const Eigen::Array<float, H, 1> i = s.template head<H>().logistic();
      const Eigen::Array<float, H, 1> f = s.template segment<H>(H).logistic();
      const Eigen::Array<float, H, 1> g = s.template segment<H>(2 * H).tanh();
      const Eigen::Array<float, H, 1> o = s.template tail<H>().logistic();
      c = (f * c.array() + i * g).matrix();
      h = (o * c.array().tanh()).matrix();
    }
    if constexpr (Out > 0) {
      Eigen::Map<Eigen::Matrix<float, Out, 1>>(y).noalias() = wo * h + bo;
    } else {
      Eigen::Map<Eigen::Matrix<float, H, 1>> out(y);
      out = h;
    }
  }
};

/// A causal convolution with Eigen: K fixed-size [Cout × Cin] tap matrices,
/// the past inputs in a ring of columns.
template <int Cin, int Cout, int K, int D, int Order>
struct eigen_conv {
  static constexpr int R = (K - 1) * D;
  std::array<Mat<Cout, Cin, Order>, K> w;
  Eigen::Matrix<float, Cout, 1> b;
  Eigen::Matrix<float, Cin, R> past;
  int next = 0;
  template <class Layer>
  void load(const Layer& l) {
    for (int k = 0; k < K; ++k)
      for (int o = 0; o < Cout; ++o)
        for (int i = 0; i < Cin; ++i)
          w[static_cast<std::size_t>(k)](o, i) =
              l.weight(static_cast<std::size_t>(o), static_cast<std::size_t>(i), static_cast<std::size_t>(k));
    for (int o = 0; o < Cout; ++o) b(o) = l.bias(static_cast<std::size_t>(o));
    past.setZero();
  }
  void step(const Eigen::Matrix<float, Cin, 1>& x, Eigen::Matrix<float, Cout, 1>& y) {
    y = b;
    for (int k = 0; k + 1 < K; ++k) {
      int slot = next + k * D;
      if (slot >= R) slot -= R;
      y.noalias() += w[static_cast<std::size_t>(k)] * past.col(slot);
    }
    y.noalias() += w[K - 1] * x;
    y = y.array().tanh().matrix();
    past.col(next) = x;
    next = next + 1 == R ? 0 : next + 1;
  }
};

template <class E, class Net, bool Head>
void R_eigen_rnn(benchmark::State& state) {
  static E e;
  e.load(shared_net<Net>().template layer<0>());
  if constexpr (Head) e.load_head(shared_net<Net>().template layer<1>());
  const auto& x = signal<Net>();
  std::vector<float> y(kBlock * 64);
  for (auto _ : state) {
    for (std::size_t t = 0; t < kBlock; ++t) e.step(x.data() + t * Net::input_size, y.data() + t * Net::output_size);
    keep(y.data());
  }
  count_steps(state);
}

template <int Order>
struct eigen_r6 {
  eigen_conv<1, 8, 3, 1, Order> c0;
  eigen_conv<8, 8, 3, 2, Order> c1;
  eigen_conv<8, 8, 3, 4, Order> c2;
  eigen_conv<8, 8, 3, 8, Order> c3;
  Eigen::Matrix<float, 1, 8> wo;
  float bo = 0;
  void load(const R6& net) {
    c0.load(net.layer<0>());
    c1.load(net.layer<1>());
    c2.load(net.layer<2>());
    c3.load(net.layer<3>());
    for (int j = 0; j < 8; ++j) wo(j) = net.layer<4>().weight(0, static_cast<std::size_t>(j));
    bo = net.layer<4>().bias(0);
  }
  float step(float x) {
    Eigen::Matrix<float, 1, 1> in(x);
    Eigen::Matrix<float, 8, 1> a, b;
    c0.step(in, a);
    c1.step(a, b);
    c2.step(b, a);
    c3.step(a, b);
    return wo.dot(b.transpose()) + bo;
  }
};
template <int Order>
void R6_eigen(benchmark::State& state) {
  static eigen_r6<Order> e;
  e.load(shared_net<R6>());
  const auto& x = signal<R6>();
  std::vector<float> y(kBlock);
  for (auto _ : state) {
    for (std::size_t t = 0; t < kBlock; ++t) y[t] = e.step(x[t]);
    keep(y.data());
  }
  count_steps(state);
}

/// forward_sequence in blocks of T steps (the same kBlock steps per iteration).
template <class Net, std::size_t T>
void Q_ctnn(benchmark::State& state) {
  Net& net = shared_net<Net>();
  net.reset();
  const auto& x = signal<Net>();
  std::vector<float> y(kBlock * Net::output_size);
  for (auto _ : state) {
    for (std::size_t t = 0; t < kBlock; t += T)
      net.forward_sequence(std::span<const float, T * Net::input_size>(x.data() + t * Net::input_size, T * Net::input_size),
                           std::span<float, T * Net::output_size>(y.data() + t * Net::output_size, T * Net::output_size));
    keep(y.data());
  }
  count_steps(state);
}

/// The memory floor of a step whose weights do not fit in L1: one
/// read-only pass over the network object's bytes per step (all weights,
/// what a step streams), through a sum with 8 accumulators, chained step to
/// step. achieved/floor = ctnn / this.
template <class Net>
void R_floor(benchmark::State& state) {
  const Net& net = shared_net<Net>();
  const auto* p = reinterpret_cast<const float*>(&net);
  const std::size_t n = sizeof(Net) / sizeof(float);
  float carry = 0;
  for (auto _ : state)
    for (std::size_t t = 0; t < kBlock; ++t) carry = stream_sum(p, n, carry);
  benchmark::DoNotOptimize(carry);
  count_steps(state);
}

/// The chain of a recurrent layer (Q chain above): the kernel's own
/// RecurrentStep from one input projection computed once, kBlock chained
/// steps. forward_sequence achieved/chain = Q / this.
template <class Net>
void Q_chain(benchmark::State& state) {
  namespace k = ctnn::HWY_NAMESPACE;
  using L = first_layer_t<Net>;
  const L& layer = shared_net<Net>().template layer<0>();
  typename L::state s{};
  alignas(64) float x[L::in_padded] = {};
  for (std::size_t i = 0; i < L::in_extent; ++i) x[i] = signal<Net>()[i];
  alignas(64) float gx[L::row];
  k::InputProjection<L::in_extent, L::row>(layer.ih_data(), layer.bias_ih_data(), x, gx);
  alignas(64) float y[L::out_padded];
  for (auto _ : state) {
    for (std::size_t t = 0; t < kBlock; ++t) k::RecurrentStep(layer, s, gx, y);
    keep(y);
  }
  count_steps(state);
}

/// The input projections alone: W_ih·x + b_ih of kBlock steps by the
/// kernel's Gemm in its own chunks (kProjectionChunk steps: 21 for GRU-64,
/// 16 for LSTM-64; the work forward_sequence moves off the chain,
/// FMA-throughput bound). chain + this = a sequence that overlaps nothing.
/// (Cells of ≤ 28 KB of weights — GRU/LSTM-16, GRU-32 — project step by
/// step in forward_sequence; this row is their projection had they not.)
template <class Net>
void Q_projection(benchmark::State& state) {
  namespace k = ctnn::HWY_NAMESPACE;
  using L = first_layer_t<Net>;
  const L& layer = shared_net<Net>().template layer<0>();
  const auto& x = signal<Net>();
  constexpr std::size_t kRows = k::kProjectionChunk<L>;
  struct alignas(64) Rows {
    float v[kRows * L::row];
  };
  const auto gx = std::make_unique<Rows>();  // Gemm stores aligned rows
  for (auto _ : state) {
    for (std::size_t t = 0; t < kBlock; t += kRows)
      k::Gemm(kBlock - t < kRows ? kBlock - t : kRows, L::in_extent, L::row, x.data() + t * L::in_extent, L::in_extent, 1, layer.ih_data(), L::row,
              layer.bias_ih_data(), gx->v, L::row, false);
    keep(gx->v);
  }
  count_steps(state);
}

#define CTNN_R_ROW(name, Net, G, I, H, Out, Head)                                                                 \
  BENCHMARK(R_ctnn<Net>)->Name("R/" name "/ctnn");                                                               \
  BENCHMARK(R_eigen_rnn<eigen_rnn<G, I, H, Out, Eigen::ColMajor>, Net, Head>)->Name("R/" name "/eigen_colmajor"); \
  BENCHMARK(R_eigen_rnn<eigen_rnn<G, I, H, Out, Eigen::RowMajor>, Net, Head>)->Name("R/" name "/eigen_rowmajor")

CTNN_R_ROW("R1_gru8", R1, 3, 1, 8, 1, true);
CTNN_R_ROW("R2_lstm16", R2, 4, 1, 16, 1, true);
CTNN_R_ROW("R3_gru16", RG<16>, 3, 16, 16, 0, false);
CTNN_R_ROW("R3_lstm16", RL<16>, 4, 16, 16, 0, false);
CTNN_R_ROW("R4_gru32", RG<32>, 3, 32, 32, 0, false);
CTNN_R_ROW("R4_lstm32", RL<32>, 4, 32, 32, 0, false);
CTNN_R_ROW("R5_gru64", RG<64>, 3, 64, 64, 0, false);
CTNN_R_ROW("R5_lstm64", RL<64>, 4, 64, 64, 0, false);
BENCHMARK(R_floor<RG<64>>)->Name("R/R5_gru64/floor");
BENCHMARK(R_floor<RL<64>>)->Name("R/R5_lstm64/floor");
BENCHMARK(R_ctnn<R6>)->Name("R/R6_conv/ctnn");
BENCHMARK(R6_eigen<Eigen::ColMajor>)->Name("R/R6_conv/eigen_colmajor");
BENCHMARK(R6_eigen<Eigen::RowMajor>)->Name("R/R6_conv/eigen_rowmajor");

#define CTNN_Q_ROW(name, Net)                        \
  BENCHMARK(Q_ctnn<Net, 64>)->Name("Q/" name "/64"); \
  BENCHMARK(Q_ctnn<Net, 512>)->Name("Q/" name "/512")
/// A Q row with its chain and projection rows (R3-R5: where the chain
/// bounds forward_sequence).
#define CTNN_Q_ROW_CHAIN(name, Net)                  \
  CTNN_Q_ROW(name, Net);                             \
  BENCHMARK(Q_chain<Net>)->Name("Q/" name "/chain"); \
  BENCHMARK(Q_projection<Net>)->Name("Q/" name "/projection")
CTNN_Q_ROW("R1_gru8", R1);
CTNN_Q_ROW("R2_lstm16", R2);
CTNN_Q_ROW_CHAIN("R3_gru16", RG<16>);
CTNN_Q_ROW_CHAIN("R3_lstm16", RL<16>);
CTNN_Q_ROW_CHAIN("R4_gru32", RG<32>);
CTNN_Q_ROW_CHAIN("R4_lstm32", RL<32>);
CTNN_Q_ROW_CHAIN("R5_gru64", RG<64>);
CTNN_Q_ROW_CHAIN("R5_lstm64", RL<64>);
CTNN_Q_ROW("R6_conv", R6);

constexpr const char* kRows[] = {"R1_gru8",   "R2_lstm16", "R3_gru16", "R3_lstm16", "R4_gru32",
                                 "R4_lstm32", "R5_gru64",  "R5_lstm64", "R6_conv"};

double ns_per_step(recording_reporter& rep, const std::string& name) {
  return rep.items.count(name) ? 1e9 / rep.items[name] : 0.0;
}
}  // namespace

int main(int argc, char** argv) {
  initialize(argc, argv);
  std::printf("ctnn sequence benchmarks, static target %s (best this CPU supports: %s), %s\n",
              hwy::TargetName(HWY_STATIC_TARGET), hwy::TargetName(best_cpu_target()), compiler_name());
  std::printf("GRU/LSTM steps of <= 8 units on the AVX-512 targets: %s vectors (%s CPU)\n",
              ctnn::detail::half_width_small_steps() ? "256-bit" : "512-bit", ctnn::detail::cpu_is_amd() ? "AMD" : "non-AMD");
  recording_reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);

  std::printf("\nR: per-sample streaming, ns per time step; eigen = the faster storage order; ratio = eigen / ctnn\n");
  std::printf("%-10s %10s %11s %11s %8s\n", "row", "ctnn", "eigen col", "eigen row", "ratio");
  int met = 0, missed = 0;
  for (const char* r : kRows) {
    const std::string b = std::string("R/") + r + "/";
    const double c = ns_per_step(rep, b + "ctnn"), ec = ns_per_step(rep, b + "eigen_colmajor"),
                 er = ns_per_step(rep, b + "eigen_rowmajor");
    if (c == 0 || ec == 0 || er == 0) continue;
    const double ratio = std::min(ec, er) / c;
    (ratio >= 1.5 ? met : missed) += 1;
    std::printf("%-10s %10.1f %11.1f %11.1f %8.2f  %s\n", r, c, ec, er, ratio, ratio >= 1.5 ? "met (>= 1.5)" : "MISSED (< 1.5)");
  }
  std::printf("\nR5: weights beyond L1 — floor = a read-only pass over the network's bytes per step\n");
  for (const char* r : {"R5_gru64", "R5_lstm64"}) {
    const std::string b = std::string("R/") + r + "/";
    const double c = ns_per_step(rep, b + "ctnn"), f = ns_per_step(rep, b + "floor");
    if (c == 0 || f == 0) continue;
    std::printf("%-10s ctnn %8.1f ns, floor %8.1f ns (%.0f KB/step), ctnn/floor %.2f\n", r, c, f,
                static_cast<double>(r[3] == 'g' ? sizeof(RG<64>) : sizeof(RL<64>)) / 1e3, c / f);
  }
  std::printf("\nQ: forward_sequence, ns per step in blocks of T; speed-up = per-sample ns / block ns (goal for "
              "R3-R6 at T = 512: >= 2)\n");
  std::printf("%-10s %10s %10s %10s %9s %9s\n", "row", "per-sample", "T=64", "T=512", "x(T=64)", "x(T=512)");
  for (const char* r : kRows) {
    const double c = ns_per_step(rep, std::string("R/") + r + "/ctnn");
    const double q64 = ns_per_step(rep, std::string("Q/") + r + "/64"), q512 = ns_per_step(rep, std::string("Q/") + r + "/512");
    if (c == 0 || q64 == 0 || q512 == 0) continue;
    const bool goal = r[1] != '1' && r[1] != '2';
    std::printf("%-10s %10.1f %10.1f %10.1f %9.2f %9.2f  %s\n", r, c, q64, q512, c / q64, c / q512,
                !goal ? "" : (c / q512 >= 2.0 ? "met (>= 2)" : "MISSED (< 2)"));
    if (goal) (c / q512 >= 2.0 ? met : missed) += 1;
  }
  std::printf("\nQ chain (R3-R5): chain = the recurrent part of a step alone (W_hh.h and the gates from a fixed input "
              "projection), chained;\nprojection = W_ih.x of the block by forward_sequence's GEMM chunks; ceiling = per-sample / "
              "chain, the most any forward_sequence can gain even with free projections\n");
  std::printf("%-10s %10s %8s %10s %10s %8s %10s %8s\n", "row", "per-sample", "chain", "projection", "sum", "T=512",
              "T=512/sum", "ceiling");
  for (const char* r : kRows) {
    const std::string q = std::string("Q/") + r + "/";
    const double c = ns_per_step(rep, std::string("R/") + r + "/ctnn"), f = ns_per_step(rep, q + "chain"),
                 p = ns_per_step(rep, q + "projection"), q512 = ns_per_step(rep, q + "512");
    if (c == 0 || f == 0 || p == 0 || q512 == 0) continue;
    std::printf("%-10s %10.1f %8.1f %10.1f %10.1f %8.1f %10.2f %8.2f\n", r, c, f, p, f + p, q512, q512 / (f + p), c / f);
  }
  std::printf("goals on %s (static target %s), %s: %d met, %d missed\n", hwy::TargetName(best_cpu_target()),
              hwy::TargetName(HWY_STATIC_TARGET), compiler_name(), met, missed);
  return 0;
}
