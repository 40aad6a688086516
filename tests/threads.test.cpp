// SPDX-License-Identifier: Apache-2.0
// ctnn::thread_pool, and training and forward_batch over it: every index
// runs once, exceptions reach the caller, and the results are bit-identical
// to one thread's for every pool size (1 to 4 threads, also more threads
// than this machine has cores).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/threads.hpp"

#include <hwy/aligned_allocator.h>

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

// backend::gemm, the trainer's GEMM: a reduction longer than 2·kGemmChunk
// runs as chunks of kGemmChunk k-steps, each continuing every lane's sum
// from C; over a pool it is split by columns or rows. Both must give the
// bits of one Gemm call over the whole K (the static target's kernel, which
// uses its FMA instructions: no compiler choice of fusing).
TEST_CASE("threads: backend::gemm's chunked reductions and pool splits give one Gemm call's bits",
          "[threads][gemm]") {
  using backend = ctnn::detail::backend<ctnn::detail::static_target>;
  STATIC_REQUIRE(backend::kGemmChunk == 256);
  ctnn::rng g(5);
  int compared = 0;
  // K: just past the chunking threshold, a prime, a multiple of the chunk;
  // W = 48 = three vectors of pad_floats, strides (64, 80) wider than W, so
  // 2 threads split the columns and 4 (more threads than column vectors)
  // split the rows; 7 and 64 rows. Three modes, each one A layout with one
  // start: direct + bias, transposed + zero, direct + accumulate.
  for (std::size_t K : {513u, 1031u, 1536u}) {
    for (std::size_t R : {7u, 64u}) {
      for (int mode = 0; mode < 3; ++mode) {
        const bool transposed = mode == 1;
        constexpr std::size_t W = 48, ldm = 64, ldc = 80;
        std::vector<float> A(R * K);
        for (auto& v : A) v = static_cast<float>(2 * g.uniform() - 1);
        auto M = hwy::AllocateAligned<float>(K * ldm), bias = hwy::AllocateAligned<float>(ldm),
             start = hwy::AllocateAligned<float>(R * ldc), one = hwy::AllocateAligned<float>(R * ldc);
        for (std::size_t i = 0; i < K * ldm; ++i) M[i] = static_cast<float>(2 * g.uniform() - 1);
        for (std::size_t i = 0; i < ldm; ++i) bias[i] = static_cast<float>(g.uniform());
        for (std::size_t i = 0; i < R * ldc; ++i) start[i] = static_cast<float>(g.uniform());
        const std::size_t a_rs = transposed ? 1 : K, a_ks = transposed ? R : 1;
        const float* b = mode == 0 ? bias.get() : nullptr;
        const bool acc = mode == 2;
        std::copy(start.get(), start.get() + R * ldc, one.get());
        ctnn::HWY_NAMESPACE::Gemm(R, K, W, A.data(), a_rs, a_ks, M.get(), ldm, b, one.get(), ldc, acc);
        for (unsigned threads : {1u, 2u, 4u}) {
          INFO("K " << K << ", R " << R << ", mode " << mode << ", threads " << threads);
          ctnn::thread_pool pool(threads);
          const ctnn::detail::parallel_scope scope(&pool);
          auto split = hwy::AllocateAligned<float>(R * ldc);
          std::copy(start.get(), start.get() + R * ldc, split.get());
          backend::gemm(R, K, W, A.data(), a_rs, a_ks, M.get(), ldm, b, split.get(), ldc, acc);
          CHECK(std::memcmp(one.get(), split.get(), R * ldc * sizeof(float)) == 0);
          ++compared;
        }
      }
    }
  }
  CHECK(compared == 54);
}
