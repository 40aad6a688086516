// SPDX-License-Identifier: Apache-2.0
// A user-defined activation: LeCun's scaled tanh, f(z) = 1.7159·tanh(2z/3)
// ("Efficient BackProp", 1998) — chosen so that f(±1) ≈ ±1 and the gain
// near 0 is ~1.14. Everything ctnn needs is in the type; see
// ctnn::Activation (ctnn/activations.hpp) and README "Extending ctnn".
#pragma once

#include <ctnn/activations.hpp>
#include <ctnn/detail/cmath.hpp>
#include <string_view>

namespace examples {

struct lecun_tanh {
  static constexpr float amplitude = 1.7159f;
  static constexpr float slope = 2.0f / 3.0f;

  static constexpr std::string_view name = "lecun_tanh";
  static constexpr bool elementwise = true;
  static constexpr ctnn::init_scheme init = ctnn::init_scheme::glorot;

  /// a = f(z). constexpr (ctnn::cmath), so the compile-time paths work too.
  static constexpr float apply(float z) noexcept { return amplitude * static_cast<float>(ctnn::cmath::tanh(slope * z)); }
  /// dL/dz from the output a and dL/da: f'(z) = slope·(amplitude − a²/amplitude).
  static constexpr float backward(float a, float da) noexcept { return da * slope * (amplitude - a * a / amplitude); }

  /// Optional Highway versions (unqualified calls: Highway's ops are found
  /// by argument-dependent lookup on the vector type). Without them ctnn
  /// applies the scalar functions lane by lane.
  template <class D, class V>
  static V apply_simd(D d, V z) {
    return Mul(Set(d, amplitude), Tanh(d, Mul(z, Set(d, slope))));
  }
  template <class D, class V>
  static V backward_simd(D d, V a, V da) {
    const V k = Set(d, amplitude);
    return Mul(Mul(da, Set(d, slope)), Sub(k, Div(Mul(a, a), k)));
  }
};

}  // namespace examples
