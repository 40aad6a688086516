// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/reference.hpp — the scalar oracle. Plain constexpr loops over
// the interchange-order view of each layer, accumulating in double. It is the
// compile-time path of network::forward (Highway ops are not constexpr) and
// the reference every SIMD kernel is tested against.
#pragma once
// IWYU pragma: private, include "ctnn/ctnn.hpp"

#include <array>
#include <cstddef>
#include <utility>

#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn::reference {

/// Dense layers (dense_layer or bf16_layer) on one sample: sums in double,
/// rounds once to float, then applies the activation.
template <class Layer>
constexpr void dense_forward(const Layer& layer, const float* x, float* y) {
  constexpr std::size_t In = Layer::in_extent, Out = Layer::out_extent;
  using Act = typename Layer::activation;
  for (std::size_t o = 0; o < Out; ++o) {
    double s = layer.bias(o);
    for (std::size_t i = 0; i < In; ++i) s += static_cast<double>(layer.weight(o, i)) * x[i];
    if constexpr (Act::elementwise) {
      y[o] = Act::apply(static_cast<float>(s));
    } else {
      y[o] = static_cast<float>(s);
    }
  }
  if constexpr (!Act::elementwise) Act::apply(y, Out);
}

/// One layer on one sample: `x` holds In floats, `y` Out floats (other
/// layers than dense: the layer's own constexpr forward, which may also
/// write y's padding lanes). Dense layers: dense_forward.
template <class Layer>
constexpr void layer_forward(const Layer& layer, const float* x, float* y) {
  if constexpr (detail::is_dense_like<Layer>) {
    dense_forward(layer, x, y);
  } else {
    layer.forward(x, y);
  }
}

/// Whole-network scalar forward pass: `x` holds Net::input_size floats,
/// `y` Net::output_size floats. Uses two Net::max_padded float arrays of stack.
template <class Net>
constexpr void forward(const Net& net, const float* x, float* y) {
  std::array<float, Net::max_padded> a{}, b{};
  for (std::size_t i = 0; i < Net::input_size; ++i) a[i] = x[i];
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((I % 2 == 0 ? layer_forward(net.template layer<I>(), a.data(), b.data())
                 : layer_forward(net.template layer<I>(), b.data(), a.data())),
     ...);
  }(std::make_index_sequence<Net::layer_count>{});
  const auto& out = Net::layer_count % 2 == 1 ? b : a;
  for (std::size_t o = 0; o < Net::output_size; ++o) y[o] = out[o];
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
