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
#include <cstddef>
#include <cstdint>
#include <exception>
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
    stop_.store(true, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
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
    done_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    std::exception_ptr error;
    try {
      f(0u);
    } catch (...) {
      error = std::current_exception();  // the workers still use f: wait first
    }
    const unsigned others = size_ - 1;
    for (unsigned spins = 0;; ++spins) {
      const unsigned d = done_.load(std::memory_order_acquire);
      if (d == others) break;
      if (spins < spin_limit) {
        backoff(spins);
      } else {
        done_.wait(d, std::memory_order_acquire);
      }
    }
    if (error) std::rethrow_exception(error);
  }

  /// The i-th of n contiguous, balanced chunks of [0, count).
  static constexpr std::pair<std::size_t, std::size_t> chunk(std::size_t count, unsigned i, unsigned n) noexcept {
    return {count * i / n, count * (i + 1) / n};
  }

  static constexpr unsigned max_threads = 64;

 private:
  // Waiting threads spin this many rounds (~50 µs) before they sleep: the
  // regions of one training step follow each other within microseconds.
  // Past the first rounds they yield, so that a pool larger than the free
  // cores lets the thread with work run.
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

  void work(unsigned index) {
    std::uint32_t seen = 0;
    for (;;) {
      std::uint32_t g;
      for (unsigned spins = 0;; ++spins) {
        g = generation_.load(std::memory_order_acquire);
        if (g != seen) break;
        if (spins < spin_limit) {
          backoff(spins);
        } else {
          generation_.wait(seen, std::memory_order_acquire);
        }
      }
      seen = g;
      if (stop_.load(std::memory_order_relaxed)) return;
      call_(job_, index);
      if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == size_ - 1) done_.notify_one();
    }
  }

  unsigned size_ = 1;
  void* job_ = nullptr;
  void (*call_)(void*, unsigned) = nullptr;
  alignas(64) std::atomic<std::uint32_t> generation_{0};
  alignas(64) std::atomic<unsigned> done_{0};
  std::atomic<bool> stop_{false};
  std::thread workers_[max_threads - 1];
};

namespace detail {
/// The pool the current thread's kernels may split their work over (set by
/// a parallel_scope: trainer steps and forward_batch with a pool).
inline thread_local thread_pool* active_pool = nullptr;

/// The active pool of this thread, or nullptr.
inline thread_pool* current_pool() noexcept { return active_pool; }

/// Makes `pool` the active pool of this thread until the end of the scope.
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
