// SPDX-License-Identifier: Apache-2.0
// ctnn::thread_pool, and training and forward_batch over it: every index
// runs once, exceptions reach the caller, and the results are bit-identical
// to one thread's for every pool size (1 to 4 threads, also more threads
// than this machine has cores).
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/threads.hpp"

namespace {
// Broadcast layers (several column panels), a dot-layout output layer and a
// batch norm: every GEMM shape of the trainer, split by columns and by rows.
using Net = ctnn::network<ctnn::input<200>, ctnn::dense<144, ctnn::relu>, ctnn::batch_norm<>,
                          ctnn::dense<80, ctnn::tanh>, ctnn::dense<10, ctnn::softmax>>;
constexpr std::size_t kBatch = 48;

template <class T, std::size_t N>
bool same_bits(const std::array<T, N>& a, const std::array<T, N>& b) {
  return std::memcmp(a.data(), b.data(), sizeof(T) * N) == 0;
}

struct data {
  std::array<float, kBatch * 200> x{};
  std::array<std::uint32_t, kBatch> y{};
  data() {
    ctnn::rng g(11);
    for (auto& v : x) v = static_cast<float>(g.uniform());
    for (auto& v : y) v = static_cast<std::uint32_t>(g.below(10));
  }
};

/// Parameters after 4 steps with `threads` threads (0: no pool at all).
template <class Opt>
std::array<float, Net::parameter_count> train(unsigned threads, const Opt& opt) {
  static data d;
  auto net = std::make_unique<Net>();
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::cross_entropy, Opt, kBatch>>(opt);
  ctnn::initialize(*net, 5);
  std::unique_ptr<ctnn::thread_pool> pool;
  if (threads > 0) {
    pool = std::make_unique<ctnn::thread_pool>(threads);
    tr->use_threads(*pool);
  }
  for (int i = 0; i < 4; ++i) tr->step(*net, d.x, d.y);
  std::array<float, Net::parameter_count> p{};
  ctnn::get_parameters(*net, std::span<float, Net::parameter_count>(p));
  return p;
}
}  // namespace

TEST_CASE("threads: run calls f(i) once for every i, on as many threads", "[threads]") {
  for (unsigned n : {1u, 2u, 3u, 4u, 7u}) {
    ctnn::thread_pool pool(n);
    REQUIRE(pool.size() == n);
    std::array<std::atomic<int>, 8> hits{};
    for (int round = 0; round < 50; ++round) pool.run([&](unsigned i) { hits[i].fetch_add(1); });
    for (unsigned i = 0; i < hits.size(); ++i) CHECK(hits[i].load() == (i < n ? 50 : 0));
  }
}

TEST_CASE("threads: an exception on the calling thread is rethrown after the workers finish", "[threads]") {
  ctnn::thread_pool pool(3);
  std::atomic<int> finished{0};
  CHECK_THROWS_AS(pool.run([&](unsigned i) {
    if (i == 0) throw std::runtime_error("index 0 failed");
    finished.fetch_add(1);
  }),
                  std::runtime_error);
  CHECK(finished.load() == 2);
  // The pool still works.
  pool.run([&](unsigned) { finished.fetch_add(1); });
  CHECK(finished.load() == 5);
}

TEST_CASE("threads: a pool of more than max_threads is refused", "[threads]") {
  CHECK_THROWS_AS(ctnn::thread_pool(ctnn::thread_pool::max_threads + 1), std::invalid_argument);
}

TEST_CASE("threads: chunks cover [0, n) in order, balanced", "[threads]") {
  for (std::size_t count : {0u, 1u, 5u, 16u, 49u}) {
    for (unsigned n : {1u, 2u, 3u, 4u}) {
      std::size_t next = 0;
      for (unsigned i = 0; i < n; ++i) {
        const auto [a, b] = ctnn::thread_pool::chunk(count, i, n);
        CHECK(a == next);
        CHECK(b - a <= count / n + 1);
        next = b;
      }
      CHECK(next == count);
    }
  }
}

TEST_CASE("threads: training is bit-identical for 1, 2, 3 and 4 threads (SGD momentum, Adam)", "[threads][trainer]") {
  const ctnn::sgd sgd{.learning_rate = 0.05f, .momentum = 0.9f};
  const auto sgd_ref = train(0, sgd);
  for (unsigned n : {1u, 2u, 3u, 4u}) {
    INFO("threads: " << n);
    CHECK(same_bits(train(n, sgd), sgd_ref));
  }
  const ctnn::adam adam{.learning_rate = 1e-2f};
  const auto adam_ref = train(0, adam);
  CHECK_FALSE(same_bits(adam_ref, sgd_ref));  // the runs differ: the comparison can fail
  for (unsigned n : {2u, 3u}) {
    INFO("threads: " << n);
    CHECK(same_bits(train(n, adam), adam_ref));
  }
}

TEST_CASE("threads: forward_batch over a pool is bit-identical to one thread at every batch size", "[threads][batch]") {
  static Net net;
  ctnn::initialize(net, 8);
  std::vector<float> x(300 * 200);
  ctnn::rng g(2);
  for (auto& v : x) v = static_cast<float>(g.uniform());
  for (unsigned n : {1u, 2u, 3u, 4u}) {
    ctnn::thread_pool pool(n);
    for (std::size_t rows : {1u, 15u, 16u, 17u, 100u, 300u}) {
      INFO("threads: " << n << ", rows: " << rows);
      const std::span<const float> xs(x.data(), rows * 200);
      std::vector<float> one(rows * 10), many(rows * 10, -1.0f);
      net.forward_batch(xs, std::span<float>(one));
      net.forward_batch(xs, std::span<float>(many), pool);
      CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
    }
  }
}
