// SPDX-License-Identifier: Apache-2.0
// ctnn/activations.hpp — the activation tags: identity, relu, leaky_relu,
// sigmoid, tanh, softmax. Each is an empty type carrying its constexpr scalar
// definition (the reference and compile-time path), its initialisation scheme
// and its name; the SIMD versions live in kernels/activation-inl.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <concepts>
#include <string_view>

#include "ctnn/detail/cmath.hpp"

namespace ctnn {

/// Which weight initialisation suits an activation.
enum class init_scheme {
  he,      ///< He/Kaiming normal, std = gain / sqrt(fan_in): ReLU family
  glorot,  ///< Glorot/Xavier normal, std = sqrt(2 / (fan_in + fan_out))
};

/// f(x) = x.
struct identity {
  static constexpr std::string_view name = "identity";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::glorot;
  static constexpr float apply(float x) noexcept { return x; }
  /// dL/dz from the output a = f(z) and dL/da.
  static constexpr float backward(float /*a*/, float da) noexcept { return da; }
};

/// f(x) = max(x, 0). NaN inputs propagate as NaN on the scalar path; the SIMD
/// path follows the hardware max (see docs in kernels/activation-inl.hpp).
struct relu {
  static constexpr std::string_view name = "relu";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::he;
  static constexpr float apply(float x) noexcept { return x > 0.0f ? x : (x != x ? x : 0.0f); }
  /// f'(z) = 1 for z > 0, else 0 (PyTorch's convention at 0); a > 0 iff z > 0.
  static constexpr float backward(float a, float da) noexcept { return a > 0.0f ? da : 0.0f; }
};

/// f(x) = x for x > 0, slope·x otherwise, slope = Num/Den (default 0.01,
/// PyTorch's default). The slope is a ratio because clang 16 has no
/// floating-point template parameters.
template <std::intmax_t Num = 1, std::intmax_t Den = 100>
struct leaky_relu {
  static_assert(Den != 0, "ctnn::leaky_relu<Num, Den>: the slope denominator must not be zero");
  static_assert(Num * Den >= 0 && Num < Den,
                "ctnn::leaky_relu<Num, Den>: the slope Num/Den must lie in [0, 1)");
  static constexpr float slope = static_cast<float>(static_cast<double>(Num) / static_cast<double>(Den));
  static constexpr std::intmax_t numerator = Num;
  static constexpr std::intmax_t denominator = Den;
  static constexpr std::string_view name = "leaky_relu";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::he;
  static constexpr float apply(float x) noexcept { return x > 0.0f ? x : x * slope; }
  /// f'(z) = 1 for z > 0, else slope; with slope > 0, a > 0 iff z > 0.
  static constexpr float backward(float a, float da) noexcept { return a > 0.0f ? da : da * slope; }
};

/// f(x) = 1 / (1 + e^-x), computed without overflow for any finite x.
struct sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::glorot;
  static constexpr float apply(float x) noexcept { return static_cast<float>(detail::sigmoid(x)); }
  /// f'(z) = a·(1 − a).
  static constexpr float backward(float a, float da) noexcept { return da * (a * (1.0f - a)); }
};

/// f(x) = tanh(x).
struct tanh {
  static constexpr std::string_view name = "tanh";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::glorot;
  static constexpr float apply(float x) noexcept { return static_cast<float>(detail::tanh(x)); }
  /// f'(z) = 1 − a².
  static constexpr float backward(float a, float da) noexcept { return da * (1.0f - a * a); }
};

/// softmax over the whole layer: y_i = e^(x_i - max) / Σ_j e^(x_j - max).
/// Exact and overflow-safe; needs at least two units.
struct softmax {
  static constexpr std::string_view name = "softmax";
  static constexpr bool elementwise = false;
  static constexpr init_scheme init = init_scheme::glorot;

  /// Scalar reference, in place on n values; sums in double.
  static constexpr void apply(float* x, std::size_t n) noexcept {
    float m = x[0];
    for (std::size_t i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += detail::exp(static_cast<double>(x[i]) - m);
    for (std::size_t i = 0; i < n; ++i)
      x[i] = static_cast<float>(detail::exp(static_cast<double>(x[i]) - m) / sum);
  }

  /// Vector-Jacobian product: dz_i = a_i·(da_i − Σ_j a_j·da_j).
  static constexpr void backward(const float* a, const float* da, float* dz, std::size_t n) noexcept {
    float s = 0.0f;
    for (std::size_t j = 0; j < n; ++j) s += a[j] * da[j];
    for (std::size_t i = 0; i < n; ++i) dz[i] = a[i] * (da[i] - s);
  }
};

namespace detail {
template <class T> inline constexpr bool is_leaky_relu = false;
template <std::intmax_t N, std::intmax_t D> inline constexpr bool is_leaky_relu<leaky_relu<N, D>> = true;
}  // namespace detail

/// An activation tag: a name, an init scheme, and either an elementwise
/// `apply(float)` or a whole-layer `apply(float*, size_t)`.
template <class A>
concept Activation = requires {
  { A::name } -> std::convertible_to<std::string_view>;
  { A::elementwise } -> std::convertible_to<bool>;
  { A::init } -> std::convertible_to<init_scheme>;
} && ((A::elementwise && requires(float x) { { A::apply(x) } -> std::same_as<float>; }) ||
      (!A::elementwise && requires(float* p, std::size_t n) { A::apply(p, n); }));

}  // namespace ctnn
