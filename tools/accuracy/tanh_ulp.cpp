// SPDX-License-Identifier: Apache-2.0
// Every float through the SIMD tanh and sigmoid and the recurrent cells'
// gate activations (the TU's static target), against the functions in
// double rounded to float:
//   tanh          (Activate<tanh>: dense layers)       ≤ 4 ulp
//   gate tanh     (GateTanh: GRU/LSTM)                 ≤ 5 ulp
//   sigmoid       (Activate<sigmoid>: dense layers)    ≤ 3 ulp, subnormal results too
//   gate sigmoid  (GateSigmoid: GRU/LSTM)              absolute error ≤ 2e-7
// with the worst input and a histogram each. Exits 1 if a bound is broken
// for any finite input or ±inf, or NaN is not passed through. The two tanh
// share one pass, and x and −x one double tanh; the two sigmoids another,
// x and −x one double exp (σ(x) = 1/(1+e), σ(−x) = e/(1+e), e = exp(−x)):
// ~90 s on one AVX-512 core with g++ 12. A ctest of the tools builds,
// scheduled first (it is the longest).
// (tests/kernels checks samples of both on every Highway target.)
#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "ctnn/kernels/activation-inl.hpp"

namespace {
namespace hn = hwy::HWY_NAMESPACE;
namespace k = ctnn::HWY_NAMESPACE;

/// Floats in an integer order where adjacent floats differ by 1 (±0 equal).
std::int64_t ordinal(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i < 0 ? -static_cast<std::int64_t>(i & 0x7fffffff) : i;
}

/// One function under test: its worst error over the inputs, a histogram
/// of error / bound in quarters, and the NaN inputs it did not pass through.
template <class Simd, class Error>
struct check {
  const char* name;
  Simd simd;
  Error error;  // (got, want in double) → the error in the bound's unit
  double bound;
  double worst = 0;
  float worst_x = 0;
  std::uint64_t histogram[6] = {}, count = 0, nan_lost = 0;

  void add(double e, float x) {
    ++count;
    const double bucket = e / bound * 4;  // 0..4 = within the bound, 5 = beyond
    ++histogram[!(bucket <= 4) ? 5 : static_cast<int>(bucket)];
    if (!(e <= worst)) {
      worst = e;
      worst_x = x;
    }
  }
  bool report(const char* unit) const {
    std::printf("%s (%s): %llu inputs (every finite float, ±inf); worst %.3g %s at x = %.9g (bound %.3g)\n", name,
                hwy::TargetName(HWY_STATIC_TARGET), static_cast<unsigned long long>(count), worst, unit,
                static_cast<double>(worst_x), bound);
    std::printf("  share of the bound  0-25%%: %llu  -50%%: %llu  -75%%: %llu  -100%%: %llu (= bound: %llu)  "
                "beyond: %llu; NaN lost: %llu\n",
                static_cast<unsigned long long>(histogram[0]), static_cast<unsigned long long>(histogram[1]),
                static_cast<unsigned long long>(histogram[2]), static_cast<unsigned long long>(histogram[3]),
                static_cast<unsigned long long>(histogram[4]), static_cast<unsigned long long>(histogram[5]),
                static_cast<unsigned long long>(nan_lost));
    return worst <= bound && nan_lost == 0;
  }
};
template <class Simd, class Error>
check(const char*, Simd, Error, double) -> check<Simd, Error>;

/// Every float through each check's `simd`, one vector at a time: the
/// positive floats from +0 up to and including +inf, NaN bit patterns
/// above, and their negatives in a second vector. `want(x)` gives the
/// function in double at x and at −x, once for all checks of one function;
/// each check measures its own error.
template <class Want, class... Checks>
void sweep(Want want, Checks&... checks) {
  const hn::ScalableTag<float> d;
  const std::size_t n_lanes = hn::Lanes(d);
  alignas(64) float in[2][hn::MaxLanes(d)];
  alignas(64) float out[2][sizeof...(Checks)][hn::MaxLanes(d)];
  for (std::uint64_t u = 0; u <= 0x7fffffffull; u += n_lanes) {
    for (std::size_t j = 0; j < n_lanes; ++j) {
      const auto bits = static_cast<std::uint32_t>(u + j);
      std::memcpy(&in[0][j], &bits, sizeof bits);
      in[1][j] = -in[0][j];
    }
    for (int sign = 0; sign < 2; ++sign) {
      std::size_t c = 0;
      ((hn::Store(checks.simd(d, hn::Load(d, in[sign])), d, out[sign][c]), ++c), ...);
    }
    for (std::size_t j = 0; j < n_lanes; ++j) {
      if (std::isnan(in[0][j])) {
        for (int sign = 0; sign < 2; ++sign) {
          std::size_t c = 0;
          ((checks.nan_lost += !std::isnan(out[sign][c][j]), ++c), ...);
        }
        continue;
      }
      const auto w = want(in[0][j]);
      for (int sign = 0; sign < 2; ++sign) {
        std::size_t c = 0;
        ((checks.add(checks.error(out[sign][c][j], w[sign]), in[sign][j]), ++c), ...);
      }
    }
  }
}
}  // namespace

int main() {
  const auto ulp = [](float got, double want) {
    return static_cast<double>(std::llabs(ordinal(got) - ordinal(static_cast<float>(want))));
  };
  const auto absolute = [](float got, double want) { return std::abs(static_cast<double>(got) - want); };
  check tanh{"tanh", [](auto d, auto v) { return k::Activate(d, v, ctnn::tanh{}); }, ulp, 4};
  check gate_tanh{"gate tanh", [](auto d, auto v) { return k::GateTanh(d, v); }, ulp, 5};
  sweep(
      [](float x) {
        const double t = std::tanh(static_cast<double>(x));
        return std::array{t, -t};
      },
      tanh, gate_tanh);
  check sigmoid{"sigmoid", [](auto d, auto v) { return k::Activate(d, v, ctnn::sigmoid{}); }, ulp, 3};
  check gate_sigmoid{"gate sigmoid", [](auto d, auto v) { return k::GateSigmoid(d, v); }, absolute, 2e-7};
  sweep(
      [](float x) {  // x ≥ 0: e in (0, 1], no cancellation on either side
        const double e = std::exp(-static_cast<double>(x));
        return std::array{1.0 / (1.0 + e), e / (1.0 + e)};
      },
      sigmoid, gate_sigmoid);
  bool ok = tanh.report("ulp");
  ok &= gate_tanh.report("ulp");
  ok &= sigmoid.report("ulp");
  ok &= gate_sigmoid.report("absolute");
  return ok ? 0 : 1;
}
