// SPDX-License-Identifier: Apache-2.0
// ctnn/threads.hpp — a fixed pool of worker threads for training and batched
// inference: created once, then every parallel region runs without heap
// allocation.
//
//   ctnn::thread_pool pool(2);                 // this thread + 1 worker
//   trainer.use_threads(pool);                 // every step splits its GEMMs
//   net.forward_batch(x, y, pool);             // rows split over the threads
//
// How the work is split decides the results, not the timing: a GEMM is split
// by output columns (or rows), so every output element is the same sum in
// the same order whichever thread computes it — training and forward_batch
// give bit-identical results for every number of threads, including one
// (tests/threads.test.cpp checks 1, 2, 3 and 4).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ctnn {

class thread_pool {
 public:
  /// `threads` threads in all: the calling thread and threads − 1 workers,
  /// started here (the only allocation). 0 means one per hardware thread.
  explicit thread_pool(unsigned threads = 0) {
    if (threads == 0) threads = std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    if (threads > max_threads)
      throw std::invalid_argument("ctnn::thread_pool: at most " + std::to_string(max_threads) + " threads, asked for " +
                                  std::to_string(threads));
    size_ = threads;
    for (unsigned i = 1; i < size_; ++i) workers_[i - 1] = std::thread([this, i] { work(i); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() {
    stop_.store(true);
    generation_.fetch_add(1);
    wake_sleepers();
    for (unsigned i = 1; i < size_; ++i) workers_[i - 1].join();
  }

  /// Number of threads, the caller's included.
  unsigned size() const noexcept { return size_; }

  /// Calls f(i) for every i in [0, size()): i = 0 on the calling thread, the
  /// others on the workers; returns when all have returned. Not reentrant
  /// (f must not call run on the same pool). An exception thrown by f on a
  /// worker terminates the program, as in std::thread; one thrown on the
  /// calling thread is rethrown once the workers are done.
  template <class F>
  void run(F&& f) {
    if (size_ == 1) {
      f(0u);
      return;
    }
    using Fn = std::remove_reference_t<F>;
    job_ = const_cast<void*>(static_cast<const void*>(&f));
    call_ = [](void* p, unsigned i) { (*static_cast<Fn*>(p))(i); };
    done_.store(0);
    generation_.fetch_add(1);
    wake_sleepers();
    std::exception_ptr error;
    try {
      f(0u);
    } catch (...) {
      error = std::current_exception();  // the workers still use f: wait first
    }
    const unsigned others = size_ - 1;
    wait_until([&] { return done_.load() == others; });
    if (error) std::rethrow_exception(error);
  }

  /// The i-th of n contiguous, balanced chunks of [0, count).
  static constexpr std::pair<std::size_t, std::size_t> chunk(std::size_t count, unsigned i, unsigned n) noexcept {
    return {count * i / n, count * (i + 1) / n};
  }

  static constexpr unsigned max_threads = 64;

 private:
  // Waiting threads spin this many rounds before they sleep: the regions of
  // one training step follow each other within microseconds. The first
  // pause_limit rounds are pause instructions (some microseconds), the rest
  // yield the core (a few milliseconds in all), so that a pool larger than
  // the free cores lets the thread with work run.
  static constexpr unsigned spin_limit = 1u << 14;
  static constexpr unsigned pause_limit = 1u << 10;

  static void backoff(unsigned spins) noexcept {
    if (spins < pause_limit) {
      pause();
    } else {
      std::this_thread::yield();
    }
  }
  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  /// Spins, then sleeps on the condition variable, until ready() holds.
  /// Sleeping registers in sleepers_ before the last check of ready(), and
  /// every change that can make ready() true is a sequentially consistent
  /// store followed by wake_sleepers(): either the sleeper sees the change or
  /// the waker sees the sleeper (and then takes the mutex, which the sleeper
  /// holds until it waits). (The first version slept in std::atomic::wait;
  /// this one relies only on a mutex and a condition variable, whose
  /// semantics are plain. Neither allocates.)
  template <class Ready>
  void wait_until(Ready ready) {
    for (unsigned spins = 0; spins < spin_limit; ++spins) {
      if (ready()) return;
      backoff(spins);
    }
    std::unique_lock<std::mutex> lock(mutex_);
    sleepers_.fetch_add(1);
    while (!ready()) wake_.wait(lock);
    sleepers_.fetch_sub(1);
  }
  void wake_sleepers() {
    if (sleepers_.load() == 0) return;
    { const std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }

  void work(unsigned index) {
    std::uint32_t seen = 0;
    for (;;) {
      wait_until([&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_.load()) return;
      call_(job_, index);
      done_.fetch_add(1);
      wake_sleepers();
    }
  }

  unsigned size_ = 1;
  void* job_ = nullptr;
  void (*call_)(void*, unsigned) = nullptr;
  alignas(64) std::atomic<std::uint32_t> generation_{0};
  alignas(64) std::atomic<unsigned> done_{0};
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread workers_[max_threads - 1];
};

namespace detail {
/// The pool the current thread's kernels may split their work over (set by
/// a parallel_scope: trainer steps and forward_batch with a pool).
inline thread_local thread_pool* active_pool = nullptr;

/// The active pool of this thread, or nullptr.
inline thread_pool* current_pool() noexcept { return active_pool; }

/// Makes `pool` the active pool of this thread until the end of the scope.
/// f(t, i, len) over [0, n) cut into pieces of whole `vector` floats, one per
/// thread t of the active pool; f(0, 0, n) on the calling thread when there
/// is no pool of two or more threads or n < min_n. For elementwise work (the
/// same result however it is split) and per-thread partial results.
template <class F>
void split_vectors(std::size_t n, std::size_t vector, std::size_t min_n, F&& f) {
  thread_pool* pool = active_pool;
  if (pool == nullptr || pool->size() == 1 || n < min_n) {
    f(0u, std::size_t{0}, n);
    return;
  }
  const unsigned threads = pool->size();
  const std::size_t vectors = (n + vector - 1) / vector;
  pool->run([&](unsigned t) {
    const auto [v0, v1] = thread_pool::chunk(vectors, t, threads);
    const std::size_t a = v0 * vector, b = v1 * vector < n ? v1 * vector : n;
    if (b > a) f(t, a, b - a);
  });
}

class parallel_scope {
 public:
  explicit parallel_scope(thread_pool* pool) noexcept : previous_(active_pool) { active_pool = pool; }
  parallel_scope(const parallel_scope&) = delete;
  parallel_scope& operator=(const parallel_scope&) = delete;
  ~parallel_scope() { active_pool = previous_; }

 private:
  thread_pool* previous_;
};
}  // namespace detail

}  // namespace ctnn
