// SPDX-License-Identifier: Apache-2.0
// No heap allocation on the hot path: this binary replaces every operator
// new/delete form and the malloc family, and counts calls made while an
// allocation_guard is alive. A positive control proves the counter works.
#include <catch2/catch.hpp>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/threads.hpp"
#include "nets.hpp"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
// Global, not per thread: the worker threads of a ctnn::thread_pool count too.
std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_count{0};
void note() {
  if (g_counting.load(std::memory_order_relaxed)) g_count.fetch_add(1, std::memory_order_relaxed);
}

struct allocation_guard {
  allocation_guard() {
    g_count = 0;
    g_counting = true;
  }
  ~allocation_guard() { g_counting = false; }
  std::size_t count() const { return g_count; }
};
}  // namespace

extern "C" {
void* malloc(std::size_t n) {
  note();
  return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b) {
  note();
  return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n) {
  note();
  return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t al, std::size_t n) {
  note();
  return __libc_memalign(al, n);
}
int posix_memalign(void** out, std::size_t al, std::size_t n) {
  note();
  *out = __libc_memalign(al, n);
  return *out ? 0 : 12;
}
void free(void* p) { __libc_free(p); }
}

void* operator new(std::size_t n) {
  note();
  if (void* p = __libc_malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  note();
  return __libc_malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return operator new(n, std::nothrow); }
void* operator new(std::size_t n, std::align_val_t al) {
  note();
  if (void* p = __libc_memalign(static_cast<std::size_t>(al), n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t al) { return operator new(n, al); }
void operator delete(void* p) noexcept { __libc_free(p); }
void operator delete[](void* p) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { __libc_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { __libc_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { __libc_free(p); }

TEST_CASE("alloc: positive control — the counter sees allocations", "[alloc]") {
  std::size_t seen = 0;
  {
    allocation_guard guard;
    std::vector<int> v(100);
    auto p = std::make_unique<double>(1.0);
    void* m = std::malloc(8);
    std::free(m);
    seen = guard.count();
    REQUIRE(v.size() + static_cast<std::size_t>(*p) > 0);
  }
  CHECK(seen >= 3);
}

template <class Net>
void check_forward_does_not_allocate() {
  static Net net;  // big networks live in static storage
  ctnn::initialize(net, 1);
  std::array<float, Net::input_size> x{};
  x[0] = 1.0f;
  std::size_t seen = 0;
  float sink = 0;
  {
    allocation_guard guard;
    for (int i = 0; i < 10; ++i) {
      const auto y = net.forward(x);
      sink += y[0];
      x[0] = y[0];
    }
    seen = guard.count();
  }
  CHECK(sink == sink);
  CHECK(seen == 0);
}

template <class Net>
void check_forward_batch_does_not_allocate() {
  static Net net;
  static std::array<float, 37 * Net::input_size> x{};
  static std::array<float, 37 * Net::output_size> y{};
  ctnn::initialize(net, 1);
  x[0] = 1.0f;
  std::size_t seen = 0;
  {
    allocation_guard guard;
    net.forward_batch(std::span<const float, x.size()>(x), std::span<float, y.size()>(y));
    net.forward_batch(std::span<const float>(x), std::span<float>(y));
    seen = guard.count();
  }
  CHECK(y[0] == y[0]);
  CHECK(seen == 0);
}

TEST_CASE("alloc: forward_batch does not allocate (S2, S5)", "[alloc][batch]") {
  check_forward_batch_does_not_allocate<ctnn_test::S2>();
  check_forward_batch_does_not_allocate<ctnn_test::S5>();
}
TEST_CASE("alloc: bf16_network conversion and forward do not allocate (S5)", "[alloc][bf16]") {
  static ctnn_test::S5 net;
  static ctnn::bf16_network<ctnn_test::S5> q;
  ctnn::initialize(net, 1);
  std::array<float, 784> x{};
  x[0] = 1.0f;
  std::size_t seen = 0;
  float sink = 0;
  {
    allocation_guard guard;
    q.assign(net);
    for (int i = 0; i < 5; ++i) sink += q.forward(x)[0];
    seen = guard.count();
  }
  CHECK(sink > 0.0f);
  CHECK(seen == 0);
}

TEST_CASE("alloc: forward does not allocate (S1)", "[alloc]") { check_forward_does_not_allocate<ctnn_test::S1>(); }
TEST_CASE("alloc: forward does not allocate (S2)", "[alloc]") { check_forward_does_not_allocate<ctnn_test::S2>(); }
TEST_CASE("alloc: forward does not allocate (S5)", "[alloc]") { check_forward_does_not_allocate<ctnn_test::S5>(); }
TEST_CASE("alloc: sequence layers step and reset without allocating (GRU, LSTM, causal Conv1D)", "[alloc][sequence]") {
  using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<8, 3, 2, ctnn::tanh>, ctnn::gru<16>,
                            ctnn::residual<ctnn::lstm<16>, ctnn::dense<16>>, ctnn::dense<1>>;
  static Net net;
  ctnn::initialize(net, 3);
  std::size_t seen = 0;
  float sink = 0;
  {
    allocation_guard guard;
    for (int t = 0; t < 200; ++t) sink += net.forward(std::array{static_cast<float>(t % 7) - 3.0f})[0];
    net.reset();
    sink += net.forward(std::array{1.0f})[0];
    seen = guard.count();
  }
  CHECK(sink != 0.0f);
  CHECK(seen == 0);
}
TEST_CASE("alloc: BPTT steps, gradient() and warm_up do not allocate (sequence_trainer, 1 and 2 threads)",
          "[alloc][sequence_training]") {
  using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 3, 2, ctnn::tanh>, ctnn::gru<8>,
                            ctnn::residual<ctnn::lstm<8>, ctnn::dense<8>>, ctnn::dense<1>>;
  constexpr std::size_t B = 4, T = 64;
  static Net net;
  static ctnn::sequence_trainer<Net, ctnn::esr_loss<85, 100>, ctnn::adam, B, T, ctnn::guard::on> tr;
  static ctnn::sequence_trainer<Net, ctnn::mse, ctnn::rmsprop, B, T> tr2;
  static std::array<float, B * T> x, y;
  static std::array<float, Net::parameter_count> g;
  for (std::size_t k = 0; k < x.size(); ++k) {
    x[k] = static_cast<float>(k % 11) / 11.0f - 0.5f;
    y[k] = 0.8f * x[k] * x[k];
  }
  ctnn::initialize(net, 4);
  ctnn::thread_pool pool(2);
  float loss = 0;
  std::size_t seen = 0;
  {
    allocation_guard guard;
    tr.warm_up(net, std::span<const float>(x.data(), B * 20));
    loss += tr.step(net, x, y);
    loss += tr.gradient(net, x, y, std::span<float, Net::parameter_count>(g));
    loss += tr2.step(net, x, y);
    tr.use_threads(pool);
    loss += tr.step(net, x, y);
    seen = guard.count();
  }
  CHECK(std::isfinite(loss));
  CHECK(seen == 0);
}
TEST_CASE("alloc: initialize and get/set_parameters do not allocate", "[alloc]") {
  static ctnn_test::S5 net;
  static std::array<float, ctnn_test::S5::parameter_count> p;
  allocation_guard guard;
  ctnn::initialize(net, 3);
  ctnn::get_parameters(net, std::span<float, ctnn_test::S5::parameter_count>(p));
  ctnn::set_parameters(net, std::span<const float, ctnn_test::S5::parameter_count>(p));
  CHECK(guard.count() == 0);
}

TEST_CASE("alloc: a training step and gradient() do not allocate (T1: 784-256-128-10, Adam, batch 64)", "[alloc][trainer]") {
  using Net = ctnn_test::S5;
  static Net net;
  static ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, 64> tr;
  static std::array<float, 64 * 784> x;
  static std::array<std::uint32_t, 64> y;
  static std::array<float, Net::parameter_count> g;
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(k % 13) / 13.0f;
  for (std::size_t k = 0; k < y.size(); ++k) y[k] = static_cast<std::uint32_t>(k % 10);
  ctnn::initialize(net, 1);
  float loss = 0;
  std::size_t seen = 0;
  {
    allocation_guard guard;
    loss += tr.step(net, x, y);
    loss += tr.step(net, x, y);
    loss += tr.gradient(net, x, y, std::span<float, Net::parameter_count>(g));
    seen = guard.count();
  }
  CHECK(std::isfinite(loss));
  CHECK(seen == 0);
}

TEST_CASE("alloc: SGD-momentum and MSE/BCE steps do not allocate", "[alloc][trainer]") {
  using Net = ctnn_test::S1;
  static Net net;
  static ctnn::trainer<Net, ctnn::binary_cross_entropy, ctnn::sgd, 8> tr{ctnn::sgd{.momentum = 0.9f, .nesterov = true}};
  static ctnn::trainer<Net, ctnn::mse, ctnn::adamw, 8> tr2;
  std::array<float, 16> x{};
  std::array<float, 8> y{};
  x[3] = 1.0f;
  y[2] = 1.0f;
  ctnn::initialize(net, 2);
  allocation_guard guard;
  tr.step(net, x, y);
  tr2.step(net, x, y);
  CHECK(guard.count() == 0);
}

TEST_CASE("alloc: batch_norm, residual and dropout: steps, forward and forward_batch do not allocate", "[alloc][layers]") {
  using Net = ctnn::network<ctnn::input<20>, ctnn::dense<32, ctnn::gelu>, ctnn::batch_norm<>,
                            ctnn::residual<ctnn::dense<16, ctnn::silu>, ctnn::batch_norm<>, ctnn::dense<32>>,
                            ctnn::dropout<1, 5>, ctnn::dense<4, ctnn::softmax>>;
  static Net net;
  static ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, 16> tr;
  static std::array<float, 16 * 20> x;
  static std::array<std::uint32_t, 16> y;
  static std::array<float, 16 * 4> out;
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(k % 7) / 7.0f;
  for (std::size_t k = 0; k < y.size(); ++k) y[k] = static_cast<std::uint32_t>(k % 4);
  ctnn::initialize(net, 1);
  std::array<float, 20> x1{};
  std::copy_n(x.begin(), 20, x1.begin());
  float loss = 0;
  std::size_t seen = 0;
  {
    allocation_guard guard;
    loss += tr.step(net, x, y);
    loss += tr.step(net, x, y);
    net.forward_batch(std::span<const float, 16 * 20>(x), std::span<float, 16 * 4>(out));
    loss += net.forward(x1)[0];
    seen = guard.count();
  }
  CHECK(std::isfinite(loss));
  CHECK(seen == 0);
}

TEST_CASE("alloc: with a thread_pool, training steps and forward_batch do not allocate on any thread", "[alloc][threads]") {
  using Net = ctnn_test::S5;
  static Net net;
  static ctnn::trainer<Net, ctnn::cross_entropy, ctnn::adam, 64> tr;
  static std::array<float, 64 * 784> x;
  static std::array<std::uint32_t, 64> y;
  static std::array<float, 64 * 10> out;
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(k % 13) / 13.0f;
  for (std::size_t k = 0; k < y.size(); ++k) y[k] = static_cast<std::uint32_t>(k % 10);
  ctnn::initialize(net, 1);
  ctnn::thread_pool pool(2);  // the pool's threads are created (allocated) here, before counting
  tr.use_threads(pool);
  float loss = tr.step(net, x, y);  // warm-up outside the guard
  std::size_t seen = 0;
  {
    allocation_guard guard;
    for (int i = 0; i < 3; ++i) loss += tr.step(net, x, y);
    net.forward_batch(std::span<const float, 64 * 784>(x), std::span<float, 64 * 10>(out), pool);
    seen = guard.count();
  }
  CHECK(std::isfinite(loss));
  CHECK(out[0] > 0.0f);
  CHECK(seen == 0);
}
