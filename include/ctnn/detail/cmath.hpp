// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/cmath.hpp — constexpr double-precision exp, expm1, log, sqrt,
// tanh and sigmoid. std::exp and friends are not constexpr on clang (and only
// by extension on g++), so the compile-time path and the scalar reference use
// these. Accuracy: relative error below 7e-16 (a few double ulp) over the
// whole range, far below float's 6e-8 — after rounding to float the results are
// correctly rounded except in rare ties. Evaluated with FMA contraction off, so
// the results are bit-identical across compilers and flags.
#pragma once
// IWYU pragma: private, include "ctnn/ctnn.hpp"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ctnn/config.hpp"

namespace ctnn::detail {

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
inline constexpr double ln2_lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76
inline constexpr double inv_ln2 = 1.44269504088896338700e+00;

constexpr bool isnan(double x) noexcept { return x != x; }

/// 2^k for any int k in the double range (subnormals and overflow included).
CTNN_NO_CONTRACT_ATTR constexpr double pow2i(int k) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  double scale = 1.0;
  while (k > 1023) { scale *= 8.98846567431158e307; k -= 1023; }  // 2^1023
  while (k < -1022) { scale *= 2.2250738585072014e-308; k += 1022; }  // 2^-1022
  return scale * std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

/// Round to nearest integer (ties away from zero); |x| < 2^31 assumed.
constexpr int round_to_int(double x) noexcept {
  return static_cast<int>(x < 0 ? x - 0.5 : x + 0.5);
}

/// e^r - 1 for |r| <= 0.5 by Taylor series to degree 17 (truncation < 1e-21).
CTNN_NO_CONTRACT_ATTR constexpr double expm1_small(double r) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  double term = r, sum = r;
  for (int n = 2; n <= 17; ++n) {
    term = term * r / n;
    sum = sum + term;
  }
  return sum;
}

/// constexpr e^x. exp(NaN) = NaN, exp(+inf) = inf, exp(-inf) = 0.
CTNN_NO_CONTRACT_ATTR constexpr double exp(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const int k = round_to_int(x * inv_ln2);
  const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= ln2/2
  return (1.0 + expm1_small(r)) * pow2i(k);
}

/// constexpr e^x - 1, accurate for small |x| (no cancellation).
CTNN_NO_CONTRACT_ATTR constexpr double expm1(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (x > -0.5 && x < 0.5) return expm1_small(x);
  return exp(x) - 1.0;
}

/// constexpr sqrt by Newton iteration from an exponent-halving guess.
CTNN_NO_CONTRACT_ATTR constexpr double sqrt(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0 || x == std::numeric_limits<double>::infinity()) return x;
  // Initial guess: halve the biased exponent.
  double y = std::bit_cast<double>((std::bit_cast<std::uint64_t>(x) >> 1) + (std::uint64_t{1023} << 51));
  for (int i = 0; i < 8; ++i) y = 0.5 * (y + x / y);
  // One correction step towards the correctly rounded value.
  const double e = x - y * y;
  return y + e / (2.0 * y);
}

/// constexpr natural logarithm. log(0) = -inf, log(x<0) = NaN.
CTNN_NO_CONTRACT_ATTR constexpr double log(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  while (x < 0x1p-1000) { x *= 0x1p100; e -= 100; }  // subnormals
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  e += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > 1.4142135623730951) { m *= 0.5; ++e; }
  // log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s, sum = 0.0;
  for (int n = 1; n <= 31; n += 2) {
    sum = sum + term / n;
    term = term * s2;
  }
  return 2.0 * sum + e * ln2_hi + e * ln2_lo;
}

/// constexpr x^n for a non-negative integer n (binary exponentiation).
constexpr double powi(double x, std::size_t n) noexcept {
  double r = 1.0;
  while (n != 0) {
    if (n & 1) r *= x;
    x *= x;
    n >>= 1;
  }
  return r;
}

/// constexpr tanh, odd, saturating to ±1 for |x| > 20.
CTNN_NO_CONTRACT_ATTR constexpr double tanh(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (isnan(x)) return x;
  const double a = x < 0 ? -x : x;
  if (a > 20.0) return x < 0 ? -1.0 : 1.0;
  const double m = expm1(2.0 * a);
  const double t = m / (m + 2.0);
  return x < 0 ? -t : t;
}

/// constexpr logistic sigmoid 1/(1+e^-x), never overflows.
CTNN_NO_CONTRACT_ATTR constexpr double sigmoid(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (isnan(x)) return x;
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  const double e = exp(x);
  return e / (1.0 + e);
}

/// constexpr complementary error function erfc(x) = 1 − erf(x), relative
/// error below 1e-13 (tests/detail/cmath.test.cpp against <cmath>): the
/// Maclaurin series of erf for |x| < 1.5, the Laplace continued fraction
/// e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) beyond.
CTNN_NO_CONTRACT_ATTR constexpr double erfc(double x) noexcept {
  CTNN_NO_CONTRACT_BEGIN
  if (isnan(x)) return x;
  const double a = x < 0 ? -x : x;
  double r = 0.0;
  if (a < 1.5) {
    const double a2 = a * a;
    double term = a, sum = a;
    for (int n = 1; n < 64; ++n) {
      term *= -a2 / n;
      sum += term / (2 * n + 1);
    }
    r = 1.0 - sum * 1.1283791670955125739;  // 2/√π
  } else if (a < 27.3) {  // erfc(27.3) underflows double
    double k = a;
    for (int n = 96; n >= 1; --n) k = a + (0.5 * n) / k;
    r = exp(-a * a) / (1.7724538509055160273 * k);  // √π
  }
  return x < 0 ? 2.0 - r : r;
}

/// exp and log for the losses: the constexpr versions above in a constant
/// expression, <cmath>'s (~10x faster) at run time. The two agree to 1 ulp;
/// used only where that difference cannot break a bit-exactness guarantee.
constexpr double exp_rt(double x) noexcept { return std::is_constant_evaluated() ? detail::exp(x) : std::exp(x); }
constexpr double log_rt(double x) noexcept { return std::is_constant_evaluated() ? detail::log(x) : std::log(x); }

}  // namespace ctnn::detail

/// constexpr math for extension types (user activations and losses that
/// want the compile-time paths): double precision, ≤ 1e-15 relative.
namespace ctnn::cmath {
using detail::exp;
using detail::erfc;
using detail::expm1;
using detail::log;
using detail::powi;
using detail::sigmoid;
using detail::sqrt;
using detail::tanh;
}  // namespace ctnn::cmath
