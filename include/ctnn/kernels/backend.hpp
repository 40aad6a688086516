// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/backend.hpp — the training kernels behind constexpr functions:
// the scalar reference in a constant expression, the TU's static Highway
// target otherwise. Used by the trainer and by every layer's training code.
#pragma once
// IWYU pragma: private, include "ctnn/trainer.hpp"

#include <cstddef>
#include <type_traits>

#include "ctnn/kernels/gemm-inl.hpp"
#include "ctnn/kernels/train-inl.hpp"
#include "ctnn/kernels/reference.hpp"
#include "ctnn/kernels/static.hpp"
#include "ctnn/threads.hpp"

namespace ctnn {
namespace detail {
/// Each kernel behind one constexpr function: the scalar reference in a
/// constant expression, the static target's Highway kernel otherwise. The
/// Target tag keeps TUs with different -march flags ODR-distinct.
template <class Target>
struct backend {
  /// The static target's tag: layers reach their own training kernels as
  /// overloads found by argument-dependent lookup, f(simd_tag{}, layer, ...)
  /// (recurrent-inl.hpp), as the forward pass reaches LayerForward.
  using simd_tag = HWY_STATIC_DISPATCH(SimdTag);
  static constexpr void gemm(std::size_t R, std::size_t K, std::size_t W, const float* A, std::size_t a_rs,
                             std::size_t a_ks, const float* M, std::size_t ldm, const float* bias, float* C,
                             std::size_t ldc, bool accumulate) {
    if (std::is_constant_evaluated()) {
      reference::gemm(R, K, W, A, a_rs, a_ks, M, ldm, bias, C, ldc, accumulate);
    } else {
      gemm_parallel(R, K, W, A, a_rs, a_ks, M, ldm, bias, C, ldc, accumulate);
    }
  }
  /// The GEMM over the active thread pool (a trainer's use_threads), split
  /// by output columns in whole vectors of pad_floats — or by rows when there
  /// are fewer column vectors than threads. Every element of C is the same
  /// k-ordered sum whoever computes it: the result does not depend on the
  /// number of threads. Small products (< 2^16 multiply-adds) stay on one.
  static void gemm_parallel(std::size_t R, std::size_t K, std::size_t W, const float* A, std::size_t a_rs,
                            std::size_t a_ks, const float* M, std::size_t ldm, const float* bias, float* C,
                            std::size_t ldc, bool accumulate) {
    thread_pool* pool = current_pool();
    if (pool == nullptr || pool->size() == 1 || R * K * W < (std::size_t{1} << 16)) {
      gemm_blocked(R, K, W, A, a_rs, a_ks, M, ldm, bias, C, ldc, accumulate);
      return;
    }
    const unsigned n = pool->size();
    const std::size_t vectors = W / pad_floats;
    if (vectors >= n) {
      pool->run([&](unsigned t) {
        const auto [v0, v1] = thread_pool::chunk(vectors, t, n);
        const std::size_t c0 = v0 * pad_floats, w = (v1 - v0) * pad_floats;
        if (w != 0)
          gemm_blocked(R, K, w, A, a_rs, a_ks, M + c0, ldm, bias ? bias + c0 : nullptr, C + c0, ldc, accumulate);
      });
    } else {
      pool->run([&](unsigned t) {
        const auto [r0, r1] = thread_pool::chunk(R, t, n);
        if (r1 > r0)
          gemm_blocked(r1 - r0, K, W, A + r0 * a_rs, a_rs, a_ks, M, ldm, bias, C + r0 * ldc, ldc, accumulate);
      });
    }
  }
  /// One thread's GEMM, long reductions in chunks of kGemmChunk steps of k:
  /// a tile of C then re-reads a chunk of M from L2 instead of all of M from
  /// memory — the weight gradients of a BPTT window reduce over Batch·Steps
  /// rows (LSTM-32, 32 × 512: dW 5.9 → 1.3 ms). Each chunk continues every
  /// lane's sum from C in the same k order: the same bits as one call.
  static constexpr std::size_t kGemmChunk = 256;
  static void gemm_blocked(std::size_t R, std::size_t K, std::size_t W, const float* A, std::size_t a_rs,
                           std::size_t a_ks, const float* M, std::size_t ldm, const float* bias, float* C,
                           std::size_t ldc, bool accumulate) {
    if (K <= 2 * kGemmChunk) {
      HWY_STATIC_DISPATCH(Gemm)(R, K, W, A, a_rs, a_ks, M, ldm, bias, C, ldc, accumulate);
      return;
    }
    for (std::size_t k = 0; k < K; k += kGemmChunk)
      HWY_STATIC_DISPATCH(Gemm)(R, K - k < kGemmChunk ? K - k : kGemmChunk, W, A + k * a_ks, a_rs, a_ks, M + k * ldm,
                                ldm, k == 0 ? bias : nullptr, C, ldc, k == 0 ? accumulate : true);
  }
  template <class Act>
  static constexpr void activation_backward(const float* a, const float* da, float* dz, std::size_t n) {
    if (std::is_constant_evaluated()) {
      reference::activation_backward<Act>(a, da, dz, n);
    } else {
      split_elementwise(n, [&](std::size_t i, std::size_t len) {
        HWY_STATIC_DISPATCH(ActivationBackward<Act>)(a + i, da + i, dz + i, len);
      });
    }
  }
  /// f(i, len) over [0, n) in pieces of whole pad_floats vectors, one per
  /// thread of the active pool (elementwise work: the same result however it
  /// is split); on the calling thread alone below 2^13 elements.
  template <class F>
  static void split_elementwise(std::size_t n, F&& f) {
    detail::split_vectors(n, pad_floats, std::size_t{1} << 13,
                          [&](unsigned, std::size_t i, std::size_t len) { f(i, len); });
  }
  static constexpr bool all_finite(const float* p, std::size_t n) {
    if (std::is_constant_evaluated()) return reference::all_finite(p, n);
    return HWY_STATIC_DISPATCH(AllFinite)(p, n);
  }
  static constexpr void column_sums(std::size_t R, std::size_t W, const float* X, std::size_t ld, float* out) {
    if (std::is_constant_evaluated()) {
      reference::column_sums(R, W, X, ld, out);
    } else if (R * W < (std::size_t{1} << 13)) {
      HWY_STATIC_DISPATCH(ColumnSums)(R, W, X, ld, out);
    } else {
      // By columns: each sum keeps its row order whoever computes it.
      split_elementwise(W, [&](std::size_t c, std::size_t w) { HWY_STATIC_DISPATCH(ColumnSums)(R, w, X + c, ld, out + c); });
    }
  }
  /// y = act(z) for `rows` rows of width Out (stride Padded); z is kept.
  template <class Act, std::size_t Out, std::size_t Padded>
  static constexpr void activate_rows_to(const float* z, float* y, std::size_t rows) {
    if constexpr (Act::elementwise) {
      if (!std::is_constant_evaluated()) {
        split_elementwise(rows * Padded, [&](std::size_t i, std::size_t len) {
          HWY_STATIC_DISPATCH(ActivateTo<Act>)(z + i, y + i, len);
        });
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t c = Out; c < Padded; ++c) y[r * Padded + c] = 0.0f;
        return;
      }
    }
    for (std::size_t i = 0; i < rows * Padded; ++i) y[i] = z[i];
    activate_rows<Act, Out, Padded>(y, rows);
  }
  /// Activation of `rows` rows of width Out (stride Padded), in place;
  /// padding lanes are set to 0.
  template <class Act, std::size_t Out, std::size_t Padded>
  static constexpr void activate_rows(float* p, std::size_t rows) {
    if constexpr (Act::elementwise) {
      if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < rows * Padded; ++i) p[i] = Act::apply(p[i]);
      } else {
        split_elementwise(rows * Padded, [&](std::size_t i, std::size_t len) {
          HWY_STATIC_DISPATCH(ActivateInPlace<Act>)(p + i, len);
        });
      }
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = Out; c < Padded; ++c) p[r * Padded + c] = 0.0f;
    } else {
      for (std::size_t r = 0; r < rows; ++r) {
        if (std::is_constant_evaluated()) {
          Act::apply(p + r * Padded, Out);
          for (std::size_t c = Out; c < Padded; ++c) p[r * Padded + c] = 0.0f;
        } else {
          HWY_STATIC_DISPATCH(WholeLayerInPlace)<Act, Out, Padded>(p + r * Padded);
        }
      }
    }
  }
};

}  // namespace detail

}  // namespace ctnn
