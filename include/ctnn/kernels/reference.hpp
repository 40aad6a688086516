// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/reference.hpp — the scalar oracle: each layer's own constexpr
// forward (dense: the interchange-order view, accumulating in double), the
// training kernels' scalar twins. It is the compile-time path (Highway ops
// are not constexpr) and the reference every SIMD kernel is tested against.
#pragma once
// IWYU pragma: private, include "ctnn/ctnn.hpp"

#include <array>
#include <cstddef>
#include <utility>


namespace ctnn::reference {

/// One layer on one sample (a stateless layer's own scalar forward): `x`
/// holds in_padded floats, `y` receives out_extent floats or more.
template <class Layer>
constexpr void layer_forward(const Layer& layer, const float* x, float* y) {
  layer.forward(x, y);
}

/// Whole-network scalar forward pass of a stateless network (or layer
/// list): `x` holds Net::input_size floats, `y` Net::output_size floats.
template <class Net>
constexpr void forward(const Net& net, const float* x, float* y) {
  static_assert(!Net::is_stateful, "ctnn::reference::forward: a stateful network advances its state: pass it, "
                                   "net.forward_reference(net.states(), x, y)");
  typename Net::state_tuple none{};
  net.forward_reference(none, x, y);
}

/// C[r·ldc + c] = init + Σ_{k<K} A[r·a_rs + k·a_ks]·M[k·ldm + c] for r < R,
/// c < W; init = C (accumulate), bias[c] or 0. Float sums in k order — the
/// oracle of kernels/gemm-inl.hpp and the compile-time path of training.
constexpr void gemm(std::size_t R, std::size_t K, std::size_t W, const float* A, std::size_t a_rs, std::size_t a_ks,
                    const float* M, std::size_t ldm, const float* bias, float* C, std::size_t ldc, bool accumulate) {
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < W; ++c) {
      float s = accumulate ? C[r * ldc + c] : (bias ? bias[c] : 0.0f);
      for (std::size_t k = 0; k < K; ++k) s += A[r * a_rs + k * a_ks] * M[k * ldm + c];
      C[r * ldc + c] = s;
    }
  }
}

/// dz[i] = Act::backward(a[i], da[i]) for n floats (elementwise activations).
template <class Act>
constexpr void activation_backward(const float* a, const float* da, float* dz, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dz[i] = Act::backward(a[i], da[i]);
}

/// out[c] = Σ_r X[r·ld + c] for c < W.
constexpr void column_sums(std::size_t R, std::size_t W, const float* X, std::size_t ld, float* out) {
  for (std::size_t c = 0; c < W; ++c) {
    float s = 0.0f;
    for (std::size_t r = 0; r < R; ++r) s += X[r * ld + c];
    out[c] = s;
  }
}

/// True if none of the n floats is NaN or ±Inf (x − x is 0 only for finite x).
constexpr bool all_finite(const float* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!(p[i] - p[i] == 0.0f)) return false;
  return true;
}

}  // namespace ctnn::reference
