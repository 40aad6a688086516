// SPDX-License-Identifier: Apache-2.0
// ctnn benchmarks (Google Benchmark), baselines in the same binary so every
// claim is a ratio from one run (workloads: ../shared/BENCHMARKS.md).
//   L   single-sample latency, S1-S5, as a dependency chain: ctnn, a naive
//       scalar W[out][in] loop, hand-written Eigen fixed-size matrices
//   T1  training throughput, 784-256-128-10, batch 64, SGD momentum 0.9,
//       softmax + cross-entropy: ctnn::trainer vs a hand-written Eigen
//       batch-GEMM trainer
//   B   batched inference throughput, S2 and S5 at batch 1, 8, 64, 256:
//       network::forward_batch vs hand-written Eigen batch GEMMs
// Usage: bench [--quick] [google-benchmark flags]. Prints a ratio table last.
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/threads.hpp"
#include "bench_util.hpp"

#include <hwy/highway.h>
#include <hwy/targets.h>
#if defined(__AVX512BF16__) && defined(__AVX512VL__)
#include <immintrin.h>  // vdpbf16ps peak (measure_dpbf16_gflops)
#endif

namespace {
using namespace ctnn_bench;
using ctnn::dense;
using ctnn::input;
using ctnn::network;
using S1 = network<input<2>, dense<16, ctnn::relu>, dense<16, ctnn::relu>, dense<1, ctnn::sigmoid>>;
using S2 = network<input<16>, dense<64, ctnn::relu>, dense<64, ctnn::relu>, dense<8, ctnn::identity>>;
using S3 = network<input<8>, dense<32, ctnn::tanh>, dense<32, ctnn::tanh>, dense<32, ctnn::tanh>, dense<1, ctnn::identity>>;
using S4 = network<input<784>, dense<128, ctnn::relu>, dense<10, ctnn::softmax>>;
using S5 = network<input<784>, dense<256, ctnn::relu>, dense<128, ctnn::relu>, dense<10, ctnn::softmax>>;

enum class act { relu, tanh, sigmoid, identity, softmax };

// ------------------------------------------------------------ naive scalar
/// W[out][in] row-major loops, the "from scratch" baseline.
template <class Net>
struct naive {
  std::vector<std::vector<float>> w, b;
  std::vector<std::size_t> in, out;
  std::vector<act> acts;
  std::vector<float> h0, h1;
  explicit naive(const Net& net) {
    std::vector<float> p(Net::parameter_count);
    ctnn::get_parameters(net, std::span<float, Net::parameter_count>(p.data(), p.size()));
    std::size_t k = 0;
    ctnn::for_each_layer(net, [&](const auto& l) {
      using L = std::remove_cvref_t<decltype(l)>;
      in.push_back(L::in_extent);
      out.push_back(L::out_extent);
      w.emplace_back(p.begin() + static_cast<long>(k), p.begin() + static_cast<long>(k + L::in_extent * L::out_extent));
      k += L::in_extent * L::out_extent;
      b.emplace_back(p.begin() + static_cast<long>(k), p.begin() + static_cast<long>(k + L::out_extent));
      k += L::out_extent;
      using A = typename L::activation;
      acts.push_back(std::is_same_v<A, ctnn::relu>      ? act::relu
                     : std::is_same_v<A, ctnn::tanh>    ? act::tanh
                     : std::is_same_v<A, ctnn::sigmoid> ? act::sigmoid
                     : std::is_same_v<A, ctnn::softmax> ? act::softmax
                                                        : act::identity);
    });
    h0.resize(Net::max_extent);
    h1.resize(Net::max_extent);
  }
  void forward(const float* x, float* y) {
    std::copy(x, x + in[0], h0.begin());
    for (std::size_t l = 0; l < w.size(); ++l) {
      for (std::size_t o = 0; o < out[l]; ++o) {
        float s = b[l][o];
        for (std::size_t i = 0; i < in[l]; ++i) s += w[l][o * in[l] + i] * h0[i];
        switch (acts[l]) {
          case act::relu: s = s > 0 ? s : 0; break;
          case act::tanh: s = std::tanh(s); break;
          case act::sigmoid: s = 1 / (1 + std::exp(-s)); break;
          default: break;
        }
        h1[o] = s;
      }
      if (acts[l] == act::softmax) {
        const float m = *std::max_element(h1.begin(), h1.begin() + static_cast<long>(out[l]));
        float sum = 0;
        for (std::size_t o = 0; o < out[l]; ++o) sum += (h1[o] = std::exp(h1[o] - m));
        for (std::size_t o = 0; o < out[l]; ++o) h1[o] /= sum;
      }
      std::swap(h0, h1);
    }
    std::copy(h0.begin(), h0.begin() + static_cast<long>(out.back()), y);
  }
};

// ------------------------------------------------------- Eigen fixed-size
// Both storage orders: a competent Eigen user picks the faster one per
// workload (column-major, Eigen's default, wins the small nets on AVX-512;
// row-major the wide ones), so the tables compare ctnn against the faster.
template <int In, int Out, int Order>
struct eigen_layer {
  // A 1-column or 1-row matrix has only one legal storage order in Eigen.
  static constexpr int order = In == 1 ? Eigen::ColMajor : (Out == 1 ? Eigen::RowMajor : Order);
  Eigen::Matrix<float, Out, In, order> w;
  Eigen::Matrix<float, Out, 1> b;
};
template <class Layer, int In, int Out, int Order>
void load(eigen_layer<In, Out, Order>& e, const Layer& l) {
  for (int o = 0; o < Out; ++o) {
    for (int i = 0; i < In; ++i) e.w(o, i) = l.weight(static_cast<std::size_t>(o), static_cast<std::size_t>(i));
    e.b(o) = l.bias(static_cast<std::size_t>(o));
  }
}
template <int N>
void eigen_softmax(Eigen::Matrix<float, N, 1>& v) {
  v = (v.array() - v.maxCoeff()).exp();
  v /= v.sum();
}

/// In → H1 (ReLU) → H2 (ReLU) → Out (`OutAct`): S1, S2 and S5.
template <int In, int H1, int H2, int Out, act OutAct, int Order>
struct eigen_relu_mlp {
  eigen_layer<In, H1, Order> l0;
  eigen_layer<H1, H2, Order> l1;
  eigen_layer<H2, Out, Order> l2;
  Eigen::Matrix<float, H1, 1> h0;
  Eigen::Matrix<float, H2, 1> h1;
  Eigen::Matrix<float, Out, 1> y;
  void forward(const Eigen::Matrix<float, In, 1>& x) {
    h0.noalias() = l0.w * x;
    h0 = (h0 + l0.b).cwiseMax(0.0f);
    h1.noalias() = l1.w * h0;
    h1 = (h1 + l1.b).cwiseMax(0.0f);
    y.noalias() = l2.w * h1;
    y += l2.b;
    if constexpr (OutAct == act::sigmoid) y = ((-y).array().exp() + 1.0f).inverse();
    if constexpr (OutAct == act::softmax) eigen_softmax(y);
  }
};
template <int Order>
using eigen_s1 = eigen_relu_mlp<2, 16, 16, 1, act::sigmoid, Order>;
template <int Order>
using eigen_s2 = eigen_relu_mlp<16, 64, 64, 8, act::identity, Order>;
template <int Order>
using eigen_s5 = eigen_relu_mlp<784, 256, 128, 10, act::softmax, Order>;
template <int Order>
struct eigen_s3 {
  eigen_layer<8, 32, Order> l0;
  eigen_layer<32, 32, Order> l1, l2;
  eigen_layer<32, 1, Order> l3;
  Eigen::Matrix<float, 32, 1> h0, h1;
  Eigen::Matrix<float, 1, 1> y;
  void forward(const Eigen::Matrix<float, 8, 1>& x) {
    h0.noalias() = l0.w * x;
    h0 = (h0 + l0.b).array().tanh();
    h1.noalias() = l1.w * h0;
    h1 = (h1 + l1.b).array().tanh();
    h0.noalias() = l2.w * h1;
    h0 = (h0 + l2.b).array().tanh();
    y.noalias() = l3.w * h0;
    y += l3.b;
  }
};
template <int Order>
struct eigen_s4 {
  eigen_layer<784, 128, Order> l0;
  eigen_layer<128, 10, Order> l1;
  Eigen::Matrix<float, 128, 1> h0;
  Eigen::Matrix<float, 10, 1> y;
  void forward(const Eigen::Matrix<float, 784, 1>& x) {
    h0.noalias() = l0.w * x;
    h0 = (h0 + l0.b).cwiseMax(0.0f);
    y.noalias() = l1.w * h0;
    y += l1.b;
    eigen_softmax(y);
  }
};
template <class E, class Net>
void load_all(E& e, const Net& net) {
  if constexpr (Net::layer_count >= 1) load(e.l0, net.template layer<0>());
  if constexpr (Net::layer_count >= 2) load(e.l1, net.template layer<1>());
  if constexpr (Net::layer_count >= 3) load(e.l2, net.template layer<2>());
  if constexpr (Net::layer_count >= 4) load(e.l3, net.template layer<3>());
}

template <class Net>
Net& shared_net() {
  static Net net;
  static bool once = [] {
    ctnn::initialize(net, 42);
    return true;
  }();
  (void)once;
  return net;
}

template <class Net>
std::array<float, Net::input_size> start_input() {
  std::array<float, Net::input_size> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7) % 11) / 11.0f - 0.3f;
  return x;
}

// Each call's input depends on the previous output (x[0] ← y[0]·tiny + x[0]),
// so successive calls cannot overlap: this measures latency.
template <class Net>
void L_ctnn(benchmark::State& state) {
  const Net& net = shared_net<Net>();
  auto x = start_input<Net>();
  for (auto _ : state) {
    const auto y = net.forward(x);
    x[0] += y[0] * 1e-30f;
  }
  benchmark::DoNotOptimize(x);
}
/// The same network with bf16 weights (ctnn::bf16_network).
template <class Net>
void L_bf16(benchmark::State& state) {
  static const ctnn::bf16_network<Net> net(shared_net<Net>());
  auto x = start_input<Net>();
  for (auto _ : state) {
    const auto y = net.forward(x);
    x[0] += y[0] * 1e-30f;
  }
  benchmark::DoNotOptimize(x);
}
template <class Net>
void L_naive(benchmark::State& state) {
  static naive<Net> n(shared_net<Net>());
  auto x = start_input<Net>();
  std::array<float, Net::output_size> y{};
  for (auto _ : state) {
    n.forward(x.data(), y.data());
    x[0] += y[0] * 1e-30f;
  }
  benchmark::DoNotOptimize(x);
}
template <class Net, class E>
void L_eigen(benchmark::State& state) {
  static E e;
  load_all(e, shared_net<Net>());
  const auto x0 = start_input<Net>();
  Eigen::Matrix<float, static_cast<int>(Net::input_size), 1> x;
  for (std::size_t i = 0; i < Net::input_size; ++i) x(static_cast<int>(i)) = x0[i];
  for (auto _ : state) {
    e.forward(x);
    x(0) += e.y(0) * 1e-30f;
  }
  benchmark::DoNotOptimize(x);
}

/// The streaming floor of a large model: one read-only pass over the bytes
/// a forward call streams (the network object: padded weights and biases)
/// through a sum with 8 independent accumulators — nothing but loads and
/// adds, chained call to call like L_ctnn. achieved/floor = ctnn / this.
template <class Net>
void L_floor(benchmark::State& state) {
  const Net& net = shared_net<Net>();
  const auto* p = reinterpret_cast<const float*>(&net);
  const std::size_t n = sizeof(Net) / sizeof(float);
  float carry = 0;
  for (auto _ : state) carry = stream_sum(p, n, carry);
  benchmark::DoNotOptimize(carry);
  state.counters["bytes"] = static_cast<double>(n * sizeof(float));
}

/// The bf16 network's streaming floor: one read-only pass over the
/// bf16_network object's bytes (about half of L_floor's), through integer
/// xors (stream_xor: bf16 pairs read as floats would be subnormal).
template <class Net>
void L_floor_bf16(benchmark::State& state) {
  static const ctnn::bf16_network<Net> net(shared_net<Net>());
  const auto* p = reinterpret_cast<const std::uint32_t*>(&net);
  const std::size_t n = sizeof(net) / sizeof(std::uint32_t);
  std::uint32_t carry = 0;
  for (auto _ : state) carry = stream_xor(p, n, carry);
  benchmark::DoNotOptimize(carry);
  state.counters["bytes"] = static_cast<double>(n * sizeof(std::uint32_t));
}

// ------------------------------------------------- B: batched inference
/// Hand-written Eigen batch forward for In → H1 → H2 → Out ReLU MLPs
/// (columns are samples; dynamic matrices, so Eigen's blocked GEMM runs).
template <class Net, act OutAct>
struct eigen_batch {
  Eigen::MatrixXf W1, W2, W3, A1, A2, Y;
  Eigen::VectorXf b1, b2, b3;
  explicit eigen_batch(const Net& net, int batch) {
    auto copy = [](Eigen::MatrixXf& w, Eigen::VectorXf& b, const auto& l) {
      using L = std::remove_cvref_t<decltype(l)>;
      w.resize(static_cast<int>(L::out_extent), static_cast<int>(L::in_extent));
      b.resize(static_cast<int>(L::out_extent));
      for (int o = 0; o < w.rows(); ++o) {
        for (int i = 0; i < w.cols(); ++i) w(o, i) = l.weight(static_cast<std::size_t>(o), static_cast<std::size_t>(i));
        b(o) = l.bias(static_cast<std::size_t>(o));
      }
    };
    copy(W1, b1, net.template layer<0>());
    copy(W2, b2, net.template layer<1>());
    copy(W3, b3, net.template layer<2>());
    A1.resize(W1.rows(), batch);
    A2.resize(W2.rows(), batch);
    Y.resize(W3.rows(), batch);
  }
  void forward(const Eigen::Map<const Eigen::MatrixXf>& X) {
    A1.noalias() = W1 * X;
    A1 = (A1.colwise() + b1).cwiseMax(0.0f);
    A2.noalias() = W2 * A1;
    A2 = (A2.colwise() + b2).cwiseMax(0.0f);
    Y.noalias() = W3 * A2;
    Y.colwise() += b3;
    if constexpr (OutAct == act::softmax) {
      for (int c = 0; c < Y.cols(); ++c) {
        Y.col(c) = (Y.col(c).array() - Y.col(c).maxCoeff()).exp();
        Y.col(c) /= Y.col(c).sum();
      }
    }
  }
};

template <class Net>
std::vector<float> batch_input(std::size_t batch) {
  std::vector<float> x(batch * Net::input_size);
  ctnn::rng g(5);
  for (auto& v : x) v = static_cast<float>(g.uniform());
  return x;
}

/// Throughput (samples/s) of Net::forward_batch on `batch` samples.
template <class Net>
void B_ctnn(benchmark::State& state) {
  const Net& net = shared_net<Net>();
  const auto batch = static_cast<std::size_t>(state.range(0));
  auto x = batch_input<Net>(batch);
  std::vector<float> y(batch * Net::output_size);
  for (auto _ : state) {
    net.forward_batch(std::span<const float>(x), std::span<float>(y));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
/// B_ctnn with the rows split over a pool of `Threads` threads.
template <class Net, unsigned Threads>
void B_ctnn_threads(benchmark::State& state) {
  static ctnn::thread_pool pool(Threads);
  const Net& net = shared_net<Net>();
  const auto batch = static_cast<std::size_t>(state.range(0));
  auto x = batch_input<Net>(batch);
  std::vector<float> y(batch * Net::output_size);
  for (auto _ : state) {
    net.forward_batch(std::span<const float>(x), std::span<float>(y), pool);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
template <class Net, act OutAct>
void B_eigen(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  eigen_batch<Net, OutAct> e(shared_net<Net>(), static_cast<int>(batch));
  auto x = batch_input<Net>(batch);
  const Eigen::Map<const Eigen::MatrixXf> X(x.data(), static_cast<int>(Net::input_size), static_cast<int>(batch));
  for (auto _ : state) {
    e.forward(X);
    benchmark::DoNotOptimize(e.Y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// -------------------------------------------------------------------- T1
constexpr int kBatch = 64;
constexpr double kFlopPerSample = 2.0 * (784 * 256 + 256 * 128 + 128 * 10) +   // forward
                                  2.0 * (784 * 256 + 256 * 128 + 128 * 10) +   // dW
                                  2.0 * (256 * 128 + 128 * 10);                // dX (not layer 0)

struct t1_data {
  std::vector<float> x;
  std::vector<std::uint32_t> y;
  t1_data() : x(kBatch * 784), y(kBatch) {
    ctnn::rng g(3);
    for (auto& v : x) v = static_cast<float>(g.uniform());
    for (auto& v : y) v = static_cast<std::uint32_t>(g.below(10));
  }
};

void T1_ctnn(benchmark::State& state) {
  static S5 net;
  static ctnn::trainer<S5, ctnn::cross_entropy, ctnn::sgd, kBatch> tr{ctnn::sgd{.learning_rate = 0.01f, .momentum = 0.9f}};
  static t1_data d;
  ctnn::initialize(net, 1);
  const std::span<const float, kBatch * 784> x(d.x.data(), d.x.size());
  const std::span<const std::uint32_t, kBatch> y(d.y.data(), d.y.size());
  float loss = 0;
  for (auto _ : state) loss += tr.step(net, x, y);
  benchmark::DoNotOptimize(loss);
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["GFLOP/s"] = benchmark::Counter(kFlopPerSample * kBatch * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}

/// T1 with the steps split over a pool of `Threads` threads (use_threads).
template <unsigned Threads>
void T1_ctnn_threads(benchmark::State& state) {
  static ctnn::thread_pool pool(Threads);
  static S5 net;
  static ctnn::trainer<S5, ctnn::cross_entropy, ctnn::sgd, kBatch> tr{ctnn::sgd{.learning_rate = 0.01f, .momentum = 0.9f}};
  static t1_data d;
  tr.use_threads(pool);
  ctnn::initialize(net, 1);
  const std::span<const float, kBatch * 784> x(d.x.data(), d.x.size());
  const std::span<const std::uint32_t, kBatch> y(d.y.data(), d.y.size());
  float loss = 0;
  for (auto _ : state) loss += tr.step(net, x, y);
  benchmark::DoNotOptimize(loss);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

/// Hand-written Eigen batch-GEMM trainer: columns are samples.
struct eigen_trainer {
  using M = Eigen::MatrixXf;
  using V = Eigen::VectorXf;
  M W1{256, 784}, W2{128, 256}, W3{10, 128}, vW1, vW2, vW3, dW1, dW2, dW3;
  V b1{256}, b2{128}, b3{10}, vb1, vb2, vb3, db1, db2, db3;
  M A1{256, kBatch}, A2{128, kBatch}, P{10, kBatch}, dZ3{10, kBatch}, dZ2{128, kBatch}, dZ1{256, kBatch};
  eigen_trainer() {
    const S5& net = shared_net<S5>();
    auto copy = [](M& w, V& b, const auto& l) {
      for (int o = 0; o < w.rows(); ++o) {
        for (int i = 0; i < w.cols(); ++i) w(o, i) = l.weight(static_cast<std::size_t>(o), static_cast<std::size_t>(i));
        b(o) = l.bias(static_cast<std::size_t>(o));
      }
    };
    copy(W1, b1, net.layer<0>());
    copy(W2, b2, net.layer<1>());
    copy(W3, b3, net.layer<2>());
    for (M* m : {&vW1, &vW2, &vW3, &dW1, &dW2, &dW3}) m->setZero(m == &vW1 || m == &dW1 ? 256 : (m == &vW2 || m == &dW2 ? 128 : 10), m == &vW1 || m == &dW1 ? 784 : (m == &vW2 || m == &dW2 ? 256 : 128));
    vb1.setZero(256); vb2.setZero(128); vb3.setZero(10); db1.setZero(256); db2.setZero(128); db3.setZero(10);
  }
  float step(const Eigen::Map<const M>& X, const std::uint32_t* y) {
    A1.noalias() = W1 * X;
    A1 = (A1.colwise() + b1).cwiseMax(0.0f);
    A2.noalias() = W2 * A1;
    A2 = (A2.colwise() + b2).cwiseMax(0.0f);
    P.noalias() = W3 * A2;
    P.colwise() += b3;
    float loss = 0;
    for (int c = 0; c < kBatch; ++c) {
      const float m = P.col(c).maxCoeff();
      P.col(c) = (P.col(c).array() - m).exp();
      const float s = P.col(c).sum();
      P.col(c) /= s;
      loss -= std::log(P(static_cast<int>(y[c]), c));
    }
    dZ3 = P / kBatch;
    for (int c = 0; c < kBatch; ++c) dZ3(static_cast<int>(y[c]), c) -= 1.0f / kBatch;
    dW3.noalias() = dZ3 * A2.transpose();
    db3 = dZ3.rowwise().sum();
    dZ2.noalias() = W3.transpose() * dZ3;
    dZ2 = (A2.array() > 0).select(dZ2, 0.0f);
    dW2.noalias() = dZ2 * A1.transpose();
    db2 = dZ2.rowwise().sum();
    dZ1.noalias() = W2.transpose() * dZ2;
    dZ1 = (A1.array() > 0).select(dZ1, 0.0f);
    dW1.noalias() = dZ1 * X.transpose();
    db1 = dZ1.rowwise().sum();
    auto upd = [](M& w, M& v, const M& g) { v = 0.9f * v + g; w -= 0.01f * v; };
    auto updb = [](V& w, V& v, const V& g) { v = 0.9f * v + g; w -= 0.01f * v; };
    upd(W1, vW1, dW1); upd(W2, vW2, dW2); upd(W3, vW3, dW3);
    updb(b1, vb1, db1); updb(b2, vb2, db2); updb(b3, vb3, db3);
    return loss / kBatch;
  }
};

void T1_eigen(benchmark::State& state) {
  static eigen_trainer tr;
  static t1_data d;
  const Eigen::Map<const Eigen::MatrixXf> X(d.x.data(), 784, kBatch);
  float loss = 0;
  for (auto _ : state) loss += tr.step(X, d.y.data());
  benchmark::DoNotOptimize(loss);
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["GFLOP/s"] = benchmark::Counter(kFlopPerSample * kBatch * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}

/// The FMA peak of one core for the static target, measured: 12 independent
/// accumulator chains of vector multiply-adds (the GEMM's tile keeps 12 too),
/// timed with the wall clock. GFLOP/s (2 flops per lane per FMA).
double measure_fma_gflops() {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  constexpr long iters = 20'000'000;
  // Distinct starting values (opaque to the compiler): equal chains would be
  // merged into one.
  float init[12];
  for (int k = 0; k < 12; ++k) init[k] = 1.0f + static_cast<float>(k) * 1e-3f;
  benchmark::DoNotOptimize(init);
  auto a0 = hn::Set(d, init[0]), a1 = hn::Set(d, init[1]), a2 = hn::Set(d, init[2]), a3 = hn::Set(d, init[3]);
  auto a4 = hn::Set(d, init[4]), a5 = hn::Set(d, init[5]), a6 = hn::Set(d, init[6]), a7 = hn::Set(d, init[7]);
  auto a8 = hn::Set(d, init[8]), a9 = hn::Set(d, init[9]), a10 = hn::Set(d, init[10]), a11 = hn::Set(d, init[11]);
  const auto m = hn::Set(d, 0.999999f), c = hn::Set(d, 1e-7f);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < iters; ++i) {
    a0 = hn::MulAdd(a0, m, c); a1 = hn::MulAdd(a1, m, c); a2 = hn::MulAdd(a2, m, c); a3 = hn::MulAdd(a3, m, c);
    a4 = hn::MulAdd(a4, m, c); a5 = hn::MulAdd(a5, m, c); a6 = hn::MulAdd(a6, m, c); a7 = hn::MulAdd(a7, m, c);
    a8 = hn::MulAdd(a8, m, c); a9 = hn::MulAdd(a9, m, c); a10 = hn::MulAdd(a10, m, c); a11 = hn::MulAdd(a11, m, c);
  }
  const auto t1 = std::chrono::steady_clock::now();
  const auto sum = hn::Add(hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)), hn::Add(hn::Add(a4, a5), hn::Add(a6, a7)));
  float out = hn::GetLane(hn::Add(sum, hn::Add(hn::Add(a8, a9), hn::Add(a10, a11))));
  benchmark::DoNotOptimize(out);
  return 12.0 * 2.0 * static_cast<double>(N) * iters / std::chrono::duration<double, std::nano>(t1 - t0).count();
}

#if defined(__AVX512BF16__) && defined(__AVX512VL__) && (HWY_STATIC_TARGET == HWY_AVX3 || HWY_STATIC_TARGET == HWY_AVX3_DL)
#define CTNN_BENCH_DPBF16 1
/// The vdpbf16ps peak of one core, measured as measure_fma_gflops is: 12
/// independent chains (inline assembly, as the bf16 kernel), 64 flops per
/// instruction (16 lanes × 2 products × multiply and add). Only where the
/// bf16 kernel uses vdpbf16ps (bf16_layer-inl.hpp: the static target with
/// AVX512_BF16).
double measure_dpbf16_gflops() {
  constexpr long iters = 20'000'000;
  float init[12];
  for (int k = 0; k < 12; ++k) init[k] = 1.0f + static_cast<float>(k) * 1e-3f;
  benchmark::DoNotOptimize(init);
  __m512 a0 = _mm512_set1_ps(init[0]), a1 = _mm512_set1_ps(init[1]), a2 = _mm512_set1_ps(init[2]),
         a3 = _mm512_set1_ps(init[3]), a4 = _mm512_set1_ps(init[4]), a5 = _mm512_set1_ps(init[5]),
         a6 = _mm512_set1_ps(init[6]), a7 = _mm512_set1_ps(init[7]), a8 = _mm512_set1_ps(init[8]),
         a9 = _mm512_set1_ps(init[9]), a10 = _mm512_set1_ps(init[10]), a11 = _mm512_set1_ps(init[11]);
  // bf16 pairs (1.0, 1.0) and (2^-40, 2^-40): the sums grow by 2^-39 per step.
  __m512i w = _mm512_set1_epi32(0x3f803f80), x = _mm512_set1_epi32(0x2b802b80);
  asm volatile("" : "+v"(w), "+v"(x));
#define CTNN_DP(acc) asm("vdpbf16ps %[w], %[x], %[a]" : [a] "+v"(acc) : [x] "v"(x), [w] "v"(w))
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < iters; ++i) {
    CTNN_DP(a0); CTNN_DP(a1); CTNN_DP(a2); CTNN_DP(a3); CTNN_DP(a4); CTNN_DP(a5);
    CTNN_DP(a6); CTNN_DP(a7); CTNN_DP(a8); CTNN_DP(a9); CTNN_DP(a10); CTNN_DP(a11);
  }
  const auto t1 = std::chrono::steady_clock::now();
#undef CTNN_DP
  const __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                                                 _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7))),
                                   _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  float out = _mm512_reduce_add_ps(sum);
  benchmark::DoNotOptimize(out);
  return 12.0 * 64.0 * iters / std::chrono::duration<double, std::nano>(t1 - t0).count();
}
#endif

/// Core clock estimate for bytes/cycle: a dependency chain of 1-cycle
/// integer adds (8 per asm statement, so loop overhead overlaps) timed with
/// the wall clock. Reads the frequency the core runs at now (turbo included).
double estimate_ghz() {
  constexpr long iters = 20'000'000;
  std::uint64_t v = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < iters; ++i) {
#if defined(__x86_64__)
    asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                 : "+r"(v));
#else
    v += 8;
    benchmark::DoNotOptimize(v);
#endif
  }
  const auto t1 = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(v);
  return 8.0 * iters / std::chrono::duration<double, std::nano>(t1 - t0).count();
}

// ------------------------------------------------------------ registration
#define CTNN_L(S, E)                                                         \
  BENCHMARK(L_ctnn<S>)->Name("L/" #S "/ctnn");                               \
  BENCHMARK(L_naive<S>)->Name("L/" #S "/naive");                             \
  BENCHMARK(L_eigen<S, E<Eigen::ColMajor>>)->Name("L/" #S "/eigen_colmajor"); \
  BENCHMARK(L_eigen<S, E<Eigen::RowMajor>>)->Name("L/" #S "/eigen_rowmajor")
CTNN_L(S1, eigen_s1);
CTNN_L(S2, eigen_s2);
CTNN_L(S3, eigen_s3);
CTNN_L(S4, eigen_s4);
CTNN_L(S5, eigen_s5);
BENCHMARK(L_floor<S4>)->Name("L/S4/floor");
BENCHMARK(L_floor<S5>)->Name("L/S5/floor");
BENCHMARK(L_bf16<S4>)->Name("L/S4/ctnn_bf16");
BENCHMARK(L_bf16<S5>)->Name("L/S5/ctnn_bf16");
BENCHMARK(L_floor_bf16<S4>)->Name("L/S4/floor_bf16");
BENCHMARK(L_floor_bf16<S5>)->Name("L/S5/floor_bf16");
#define CTNN_B(S, A)                                                                         \
  BENCHMARK(B_ctnn<S>)->Name("B/" #S "/ctnn")->Arg(1)->Arg(8)->Arg(64)->Arg(256);              \
  BENCHMARK(B_eigen<S, A>)->Name("B/" #S "/eigen")->Arg(1)->Arg(8)->Arg(64)->Arg(256)
CTNN_B(S2, act::identity);
CTNN_B(S5, act::softmax);
BENCHMARK(T1_ctnn)->Name("T1/ctnn")->Unit(benchmark::kMillisecond);
BENCHMARK(T1_eigen)->Name("T1/eigen")->Unit(benchmark::kMillisecond);
BENCHMARK(T1_ctnn_threads<2>)->Name("T1/ctnn_2threads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(B_ctnn_threads<S5, 2>)->Name("B/S5/ctnn_2threads")->Arg(256)->UseRealTime();

/// The performance goals (issue 17), each with what this run measured on
/// this machine: met or missed. A row whose benchmarks did not run (filter)
/// is left out.
void print_goals(recording_reporter& rep) {
  std::printf("\nGoals on %s (static target %s), %s\n", hwy::TargetName(best_cpu_target()),
              hwy::TargetName(HWY_STATIC_TARGET), compiler_name());
  std::printf("%-46s %9s %8s  %s\n", "goal", "measured", "target", "");
  int met = 0, missed = 0;
  auto row = [&](const std::string& what, double value, double target, bool at_least) {
    const bool ok = at_least ? value >= target : value <= target;
    (ok ? met : missed) += 1;
    std::printf("%-46s %9.2f %s%6.2f  %s\n", what.c_str(), value, at_least ? ">=" : "<=", target,
                ok ? "met" : "MISSED");
  };
  auto has = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (!rep.ns.count(n)) return false;
    return true;
  };
  for (const char* s : {"S1", "S2", "S3"}) {
    const std::string b = std::string("L/") + s + "/";
    if (has({(b + "ctnn").c_str(), (b + "eigen").c_str()}))
      row(std::string(s) + " latency, Eigen (faster order) / ctnn", rep.ns[b + "eigen"] / rep.ns[b + "ctnn"], 1.5, true);
  }
  for (const char* s : {"S4", "S5"}) {
    const std::string b = std::string("L/") + s + "/";
    if (has({(b + "ctnn").c_str(), (b + "floor").c_str()}))
      row(std::string(s) + " fp32 latency / streaming floor", rep.ns[b + "ctnn"] / rep.ns[b + "floor"], 1.10, false);
  }
  for (const char* s : {"S4", "S5"}) {
    const std::string b = std::string("L/") + s + "/";
    if (has({(b + "ctnn_bf16").c_str(), (b + "eigen").c_str()}))
      row(std::string(s) + " bf16 latency, Eigen fp32 / ctnn bf16", rep.ns[b + "eigen"] / rep.ns[b + "ctnn_bf16"], 1.8,
          true);
  }
  if (rep.items.count("T1/ctnn") && rep.items.count("T1/eigen"))
    row("T1 training throughput, ctnn / Eigen", rep.items["T1/ctnn"] / rep.items["T1/eigen"], 1.35, true);
  if (rep.items.count("T1/ctnn") && rep.items.count("T1/ctnn_2threads/real_time"))
    row("T1 training, 2 threads / 1 thread", rep.items["T1/ctnn_2threads/real_time"] / rep.items["T1/ctnn"], 1.8, true);
  if (rep.items.count("B/S5/ctnn/256") && rep.items.count("B/S5/ctnn_2threads/256/real_time"))
    row("B S5 forward_batch 256, 2 threads / 1 thread",
        rep.items["B/S5/ctnn_2threads/256/real_time"] / rep.items["B/S5/ctnn/256"], 1.8, true);
  std::printf("%d met, %d missed\n", met, missed);
}
}  // namespace

int main(int argc, char** argv) {
  initialize(argc, argv);
  std::printf("ctnn %d.%d.%d, static target %s (best this CPU supports: %s), %s\n", CTNN_VERSION_MAJOR,
              CTNN_VERSION_MINOR, CTNN_VERSION_PATCH,
              hwy::TargetName(HWY_STATIC_TARGET), hwy::TargetName(best_cpu_target()), compiler_name());
  recording_reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  // Eigen baseline per workload: the faster of its two storage orders.
  for (const char* s : {"S1", "S2", "S3", "S4", "S5"}) {
    const std::string b = std::string("L/") + s + "/eigen";
    if (!rep.ns.count(b + "_colmajor") || !rep.ns.count(b + "_rowmajor")) continue;
    const bool col = rep.ns[b + "_colmajor"] <= rep.ns[b + "_rowmajor"];
    rep.ns[b] = rep.ns[b + (col ? "_colmajor" : "_rowmajor")];
    rep.eigen_order[s] = col ? "col" : "row";
  }
  std::printf("\nL: single-sample latency, ns per forward (dependency chain); ratio = baseline / ctnn (> 1: ctnn faster)\n");
  std::printf("eigen = the faster of Eigen's column-major and row-major storage for that net (order: which)\n");
  std::printf("%-4s %10s %10s %10s %10s %10s %12s %12s\n", "net", "ctnn", "naive", "eigen col", "eigen row", "eigen",
              "naive/ctnn", "eigen/ctnn");
  for (const char* s : {"S1", "S2", "S3", "S4", "S5"}) {
    const std::string b = std::string("L/") + s + "/";
    if (!rep.ns.count(b + "ctnn") || !rep.ns.count(b + "naive") || !rep.ns.count(b + "eigen")) continue;
    const double c = rep.ns[b + "ctnn"], nv = rep.ns[b + "naive"], e = rep.ns[b + "eigen"];
    std::printf("%-4s %10.1f %10.1f %10.1f %10.1f %7.1f %s %12.2f %12.2f\n", s, c, nv, rep.ns[b + "eigen_colmajor"],
                rep.ns[b + "eigen_rowmajor"], e, rep.eigen_order[s].c_str(), nv / c, e / c);
  }
  std::printf("\nL, bf16 weights (ctnn::bf16_network), ns per forward; ratio = baseline / ctnn_bf16\n");
  std::printf("%-4s %10s %10s %10s %12s %12s\n", "net", "bf16", "fp32", "eigen", "fp32/bf16", "eigen/bf16");
  for (const char* s : {"S4", "S5"}) {
    const std::string b = std::string("L/") + s + "/";
    if (!rep.ns.count(b + "ctnn_bf16") || !rep.ns.count(b + "ctnn") || !rep.ns.count(b + "eigen")) continue;
    const double q = rep.ns[b + "ctnn_bf16"], c = rep.ns[b + "ctnn"], e = rep.ns[b + "eigen"];
    std::printf("%-4s %10.1f %10.1f %10.1f %12.2f %12.2f\n", s, q, c, e, c / q, e / q);
  }
  // The bf16 floor: its bytes streamed (floor_bf16) or, with vdpbf16ps,
  // every multiply-add of the model at the measured vdpbf16ps peak,
  // whichever is slower (a lower bound either way: the fp32 output layers
  // are counted at the bf16 rate).
  {
    const std::map<std::string, double> macs = {{"S4", 784.0 * 128 + 128.0 * 10},
                                                {"S5", 784.0 * 256 + 256.0 * 128 + 128.0 * 10}};
#ifdef CTNN_BENCH_DPBF16
    const double dp_gflops = rep.ns.count("L/S4/ctnn_bf16") || rep.ns.count("L/S5/ctnn_bf16") ? measure_dpbf16_gflops() : 0;
    std::printf("vdpbf16ps peak measured %.1f GFLOP/s (fp32 FMA peak %.1f)\n", dp_gflops, measure_fma_gflops());
#else
    const double dp_gflops = 0;  // no vdpbf16ps: the portable path's bound is its FMAs, not measured here
#endif
    std::printf("%-4s %10s %12s %12s %12s\n", "net", "bf16", "stream ns", "dp peak ns", "bf16/floor");
    for (const auto& [s, m] : macs) {
      const std::string b = "L/" + s + "/";
      if (!rep.ns.count(b + "ctnn_bf16") || !rep.ns.count(b + "floor_bf16")) continue;
      const double q = rep.ns[b + "ctnn_bf16"], f = rep.ns[b + "floor_bf16"];
      const double dp = dp_gflops > 0 ? 2 * m / dp_gflops : 0;
      if (dp > 0) {
        std::printf("%-4s %10.1f %12.1f %12.1f %12.2f\n", s.c_str(), q, f, dp, q / std::max(f, dp));
      } else {
        std::printf("%-4s %10.1f %12.1f %12s %12.2f\n", s.c_str(), q, f, "-", q / f);
      }
    }
  }
  // Bandwidth view of the large models: every call streams all parameters;
  // the floor is a read-only pass over the same bytes in this binary.
  const double ghz = estimate_ghz();
  std::printf("\nL, bandwidth: fp32 parameters streamed per call (core clock estimated at %.2f GHz)\n", ghz);
  std::printf("%-4s %10s %10s %10s %12s %12s %12s %14s\n", "net", "KB/call", "ctnn ns", "floor ns", "ctnn GB/s",
              "floor GB/s", "eigen B/cyc", "ctnn/floor");
  const std::map<std::string, double> kb = {{"S4", sizeof(S4) / 1e3}, {"S5", sizeof(S5) / 1e3}};
  for (const auto& [s, k] : kb) {
    const std::string b = "L/" + s + "/";
    if (!rep.ns.count(b + "ctnn") || !rep.ns.count(b + "eigen") || !rep.ns.count(b + "floor")) continue;
    const double c = rep.ns[b + "ctnn"], e = rep.ns[b + "eigen"], f = rep.ns[b + "floor"];
    std::printf("%-4s %10.0f %10.1f %10.1f %12.1f %12.1f %12.2f %14.2f\n", s.c_str(), k, c, f, k * 1e3 / c,
                k * 1e3 / f, k * 1e3 / (e * ghz), c / f);
  }
  std::printf("\nB: batched inference throughput, samples/s; ratio = ctnn / eigen (> 1: ctnn faster)\n");
  std::printf("%-4s %6s %14s %14s %8s\n", "net", "batch", "ctnn", "eigen", "ratio");
  for (const char* s : {"S2", "S5"}) {
    for (int batch : {1, 8, 64, 256}) {
      const std::string c = std::string("B/") + s + "/ctnn/" + std::to_string(batch);
      const std::string e = std::string("B/") + s + "/eigen/" + std::to_string(batch);
      if (!rep.items.count(c) || !rep.items.count(e)) continue;
      std::printf("%-4s %6d %14.0f %14.0f %8.2f\n", s, batch, rep.items[c], rep.items[e], rep.items[c] / rep.items[e]);
    }
  }
  if (rep.items.count("T1/ctnn") && rep.items.count("T1/eigen")) {
    const double c = rep.items["T1/ctnn"], e = rep.items["T1/eigen"];
    std::printf("\nT1: training throughput, 784-256-128-10, batch 64, SGD momentum\n");
    std::printf("%-6s %14s %10s\n", "", "samples/s", "GFLOP/s");
    std::printf("%-6s %14.0f %10.1f\n", "ctnn", c, c * kFlopPerSample / 1e9);
    std::printf("%-6s %14.0f %10.1f\n", "eigen", e, e * kFlopPerSample / 1e9);
    std::printf("ratio ctnn/eigen: %.2f\n", c / e);
    // Compute floor: the FMA peak of this core, measured in this binary.
    const double peak = measure_fma_gflops();
    const double floor_rate = peak * 1e9 / kFlopPerSample;
    rep.items["T1/fma_floor"] = floor_rate;
    std::printf("FMA peak measured %.1f GFLOP/s: at most %.0f samples/s; ctnn at %.0f %% of it, Eigen at %.0f %%\n",
                peak, floor_rate, 100 * c / floor_rate, 100 * e / floor_rate);
  }
  print_goals(rep);
  benchmark::Shutdown();
  return 0;
}
