// SPDX-License-Identifier: Apache-2.0
// The constexpr math of ctnn/detail/cmath.hpp against <cmath> (double), over
// dense sweeps and edge cases, plus compile-time evaluation.
#include "ctnn/detail/cmath.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

namespace cm = ctnn::detail;

namespace {
double rel(double a, double b) { return a == b ? 0.0 : std::abs(a - b) / std::max(std::abs(b), 1e-300); }
}  // namespace

static_assert(cm::exp(0.0) == 1.0);
static_assert(cm::log(1.0) == 0.0);
static_assert(cm::sqrt(4.0) == 2.0);
static_assert(cm::tanh(0.0) == 0.0);
static_assert(cm::sigmoid(0.0) == 0.5);
static_assert(cm::exp(-1000.0) == 0.0);
static_assert(cm::exp(1000.0) == std::numeric_limits<double>::infinity());

TEST_CASE("cmath: exp within 4e-16 relative", "[cmath]") {
  double worst = 0;
  for (double x = -700; x < 700; x += 0.0137) worst = std::max(worst, rel(cm::exp(x), std::exp(x)));
  CHECK(worst < 4e-16);
  CHECK(cm::exp(std::numeric_limits<double>::quiet_NaN()) != cm::exp(std::numeric_limits<double>::quiet_NaN()));
}

TEST_CASE("cmath: expm1, log, sqrt, tanh, sigmoid accuracy", "[cmath]") {
  double w_expm1 = 0, w_log = 0, w_sqrt = 0, w_tanh = 0, w_sig = 0;
  for (double x = -30; x < 30; x += 0.00731) {
    w_expm1 = std::max(w_expm1, rel(cm::expm1(x), std::expm1(x)));
    w_tanh = std::max(w_tanh, rel(cm::tanh(x), std::tanh(x)));
    w_sig = std::max(w_sig, rel(cm::sigmoid(x), 1.0 / (1.0 + std::exp(-x))));
  }
  for (double x = 1e-300; x < 1e300; x *= 1.37) {
    w_log = std::max(w_log, std::abs(cm::log(x) - std::log(x)) / std::max(1.0, std::abs(std::log(x))));
    w_sqrt = std::max(w_sqrt, rel(cm::sqrt(x), std::sqrt(x)));
  }
  for (double x = 1e-12; x < 1e-3; x *= 1.5) {
    w_expm1 = std::max(w_expm1, rel(cm::expm1(x), std::expm1(x)));
    w_tanh = std::max(w_tanh, rel(cm::tanh(-x), std::tanh(-x)));
  }
  CHECK(w_expm1 < 5e-16);
  CHECK(w_log < 4e-16);
  CHECK(w_sqrt < 3e-16);
  CHECK(w_tanh < 7e-16);
  CHECK(w_sig < 6e-16);
  CHECK(cm::log(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(cm::log(-1.0)));
  CHECK(std::isnan(cm::sqrt(-1.0)));
  CHECK(cm::sigmoid(-800.0) == 0.0);
  CHECK(cm::sigmoid(800.0) == 1.0);
  CHECK(cm::tanh(25.0) == 1.0);
  CHECK(cm::tanh(-25.0) == -1.0);
}

static_assert(cm::erfc(0.0) == 1.0);
static_assert(cm::erfc(30.0) == 0.0 && cm::erfc(-30.0) == 2.0);

TEST_CASE("cmath: erfc within 1e-13 relative, across the series/continued-fraction switch", "[cmath]") {
  double worst = 0;
  for (double x = -6; x < 26; x += 0.00731) worst = std::max(worst, rel(cm::erfc(x), std::erfc(x)));
  for (double x : {1.499999, 1.5, 1.500001, 1e-300, -1e-300, 0.5, 27.0})
    worst = std::max(worst, rel(cm::erfc(x), std::erfc(x)));
  CHECK(worst < 1e-13);
  CHECK(std::isnan(cm::erfc(std::numeric_limits<double>::quiet_NaN())));
}
