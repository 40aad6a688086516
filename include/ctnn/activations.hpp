// SPDX-License-Identifier: Apache-2.0
// ctnn/activations.hpp — the activation tags: identity, relu, leaky_relu,
// sigmoid, tanh, elu, silu, gelu, gelu_tanh, softmax. Each is an empty type carrying its constexpr scalar
// definition (the reference and compile-time path), its initialisation scheme
// and its name; the SIMD versions live in kernels/activation-inl.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <concepts>
#include <string>
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

/// ELU: f(x) = x for x > 0, α·(e^x − 1) otherwise, α = Num/Den (default 1,
/// PyTorch's nn.ELU()). A ratio because clang 16 has no floating-point
/// template parameters.
template <std::intmax_t Num = 1, std::intmax_t Den = 1>
struct elu {
  static_assert(Den > 0 && Num > 0, "ctnn::elu<Num, Den>: alpha = Num/Den must be positive");
  static constexpr float alpha = static_cast<float>(static_cast<double>(Num) / static_cast<double>(Den));
  static constexpr std::intmax_t numerator = Num;
  static constexpr std::intmax_t denominator = Den;
  static constexpr std::string_view name = "elu";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::he;
  static constexpr float apply(float x) noexcept {
    return x > 0.0f ? x : static_cast<float>(static_cast<double>(alpha) * detail::expm1(x));
  }
  /// f'(z) = 1 for z > 0, else α·e^z = a + α (a > 0 iff z > 0).
  static constexpr float backward(float a, float da) noexcept { return a > 0.0f ? da : da * (a + alpha); }
};

/// SiLU (swish): f(x) = x·sigmoid(x), PyTorch's nn.SiLU().
struct silu {
  static constexpr std::string_view name = "silu";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::he;
  /// f' is not a function of f: backward() receives z, not a.
  static constexpr bool backward_from_input = true;
  static constexpr float apply(float x) noexcept { return static_cast<float>(x * detail::sigmoid(x)); }
  /// f'(z) = s·(1 + z·(1 − s)), s = sigmoid(z).
  static constexpr float backward(float z, float da) noexcept {
    const double s = detail::sigmoid(z);
    return static_cast<float>(da * (s * (1.0 + z * (1.0 - s))));
  }
};

/// GELU, exact form: f(x) = x·Φ(x) = ½·x·erfc(−x/√2), PyTorch's nn.GELU()
/// (approximate='none'). For the tanh approximation use gelu_tanh.
struct gelu {
  static constexpr std::string_view name = "gelu";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::he;
  static constexpr bool backward_from_input = true;
  static constexpr float apply(float x) noexcept {
    return static_cast<float>(0.5 * x * detail::erfc(-0.70710678118654752440 * x));
  }
  /// f'(z) = Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π).
  static constexpr float backward(float z, float da) noexcept {
    const double zd = z;
    const double cdf = 0.5 * detail::erfc(-0.70710678118654752440 * zd);
    const double pdf = 0.39894228040143267794 * detail::exp(-0.5 * zd * zd);
    return static_cast<float>(da * (cdf + zd * pdf));
  }
};

/// GELU, tanh approximation: f(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))),
/// PyTorch's nn.GELU(approximate='tanh').
struct gelu_tanh {
  static constexpr std::string_view name = "gelu_tanh";
  static constexpr bool elementwise = true;
  static constexpr init_scheme init = init_scheme::he;
  static constexpr bool backward_from_input = true;
  static constexpr double k = 0.79788456080286535588;  // √(2/π)
  static constexpr double c = 0.044715;
  /// Computed as x·sigmoid(2u), u = √(2/π)·(x + 0.044715·x³): the same
  /// function (½(1 + tanh u) = sigmoid(2u)) without cancellation for x → −∞.
  static constexpr float apply(float x) noexcept {
    const double xd = x;
    return static_cast<float>(xd * detail::sigmoid(2.0 * k * xd * (1.0 + c * xd * xd)));
  }
  /// f'(z) = s + 2·z·s·(1 − s)·√(2/π)·(1 + 3·0.044715·z²), s = sigmoid(2u).
  static constexpr float backward(float z, float da) noexcept {
    const double zd = z;
    const double s = detail::sigmoid(2.0 * k * zd * (1.0 + c * zd * zd));
    return static_cast<float>(da * (s + 2.0 * zd * s * (1.0 - s) * k * (1.0 + 3.0 * c * zd * zd)));
  }
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
template <class T> inline constexpr bool is_elu = false;
template <std::intmax_t N, std::intmax_t D> inline constexpr bool is_elu<elu<N, D>> = true;
/// Whether Act::backward takes the layer's input z instead of its output a.
template <class Act>
struct backward_from_input_of {
  static constexpr bool value = false;
};
template <class Act>
  requires requires { { Act::backward_from_input } -> std::convertible_to<bool>; }
struct backward_from_input_of<Act> {
  static constexpr bool value = Act::backward_from_input;
};
template <class Act>
inline constexpr bool backward_from_input = backward_from_input_of<Act>::value;
}  // namespace detail

/// An activation: the extension point for user-defined activations (see
/// README "Extending ctnn" and examples/custom_activation.cpp). A type A
/// provides
///   static constexpr std::string_view name;      // for messages and exports
///   static constexpr bool elementwise;           // f applies per value?
///   static constexpr ctnn::init_scheme init;     // he or glorot
/// and, if elementwise,
///   static constexpr float apply(float z);                  // a = f(z)
///   static constexpr float backward(float a, float da);     // dL/dz from a and dL/da
///   static constexpr bool backward_from_input = true;       // optional: backward
///                                                           // gets z, not a
/// or, for a whole-layer activation (like softmax),
///   static constexpr void apply(float* z, std::size_t n);   // in place
///   static constexpr void backward(const float* a, const float* da, float* dz, std::size_t n);
/// The backward pass sees the output a = f(z) — or, if the type sets
/// `backward_from_input` (silu, gelu, gelu_tanh: f' is not a function of f),
/// the input z, which the trainer then keeps for that layer.
/// constexpr functions make the compile-time paths (constexpr forward and
/// training) work; the run-time SIMD path applies them lane by lane unless A
/// also provides Highway versions, found by ADL on the vector type:
///   template <class D, class V> static V apply_simd(D d, V z);
///   template <class D, class V> static V backward_simd(D d, V a, V da);
/// (used for the TU's static target; other targets fall back to the scalar
/// functions, and so does g++ on aarch64 without +crypto: ctnn/config.hpp).
/// The built-in activations satisfy the same concept.
template <class A>
concept Activation = requires {
  { A::name } -> std::convertible_to<std::string_view>;
  { A::elementwise } -> std::convertible_to<bool>;
  { A::init } -> std::convertible_to<init_scheme>;
} && ((A::elementwise && requires(float x) {
        { A::apply(x) } -> std::same_as<float>;
        { A::backward(x, x) } -> std::same_as<float>;
      }) ||
      (!A::elementwise && requires(float* p, const float* c, std::size_t n) {
        A::apply(p, n);
        A::backward(c, c, p, n);
      }));

namespace detail {
/// Checks an activation type piece by piece, so that a type missing one
/// requirement of ctnn::Activation is refused with a message naming it.
template <class A>
struct activation_check {
  static constexpr bool has_name = requires { { A::name } -> std::convertible_to<std::string_view>; };
  static constexpr bool has_elementwise = requires { { A::elementwise } -> std::convertible_to<bool>; };
  static constexpr bool has_init = requires { { A::init } -> std::convertible_to<init_scheme>; };
  static_assert(has_name, "ctnn activation: the type needs `static constexpr std::string_view name`");
  static_assert(has_elementwise, "ctnn activation: the type needs `static constexpr bool elementwise`");
  static_assert(has_init, "ctnn activation: the type needs `static constexpr ctnn::init_scheme init` (he or glorot)");
  static constexpr bool elementwise = [] {
    if constexpr (has_elementwise) return static_cast<bool>(A::elementwise);
    return true;
  }();
  static constexpr bool has_apply = elementwise ? requires(float x) { { A::apply(x) } -> std::same_as<float>; }
                                                : requires(float* p, std::size_t n) { A::apply(p, n); };
  static constexpr bool has_backward = elementwise
                                           ? requires(float x) { { A::backward(x, x) } -> std::same_as<float>; }
                                           : requires(float* p, const float* c, std::size_t n) { A::backward(c, c, p, n); };
  static_assert(has_apply || !elementwise,
                "ctnn activation: an elementwise activation needs `static constexpr float apply(float z)`");
  static_assert(has_apply || elementwise,
                "ctnn activation: a whole-layer activation needs `static constexpr void apply(float* z, std::size_t n)`");
  static_assert(has_backward || !elementwise,
                "ctnn activation: an elementwise activation needs `static constexpr float backward(float a, float da)` "
                "(dL/dz from the output a = f(z) and dL/da)");
  static_assert(has_backward || elementwise,
                "ctnn activation: a whole-layer activation needs `static constexpr void backward(const float* a, "
                "const float* da, float* dz, std::size_t n)`");
  static constexpr bool value = has_name && has_elementwise && has_init && has_apply && has_backward;
};
}  // namespace detail

/// C++ spelling of an activation tag (model files, exported headers).
template <class Act>
std::string activation_cpp_name() {
  if constexpr (requires { { Act::cpp_name } -> std::convertible_to<std::string_view>; }) {
    return std::string(Act::cpp_name);  // a user-defined activation names itself
  } else if constexpr (detail::is_leaky_relu<Act>) {
    return "ctnn::leaky_relu<" + std::to_string(Act::numerator) + ", " + std::to_string(Act::denominator) + ">";
  } else if constexpr (detail::is_elu<Act>) {
    return "ctnn::elu<" + std::to_string(Act::numerator) + ", " + std::to_string(Act::denominator) + ">";
  } else {
    return "ctnn::" + std::string(Act::name);
  }
}

}  // namespace ctnn
