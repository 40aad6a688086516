// SPDX-License-Identifier: Apache-2.0
// Every float through the SIMD tanh and the recurrent cells' gate
// activations (the TU's static target), against the functions in double
// rounded to float:
//   tanh          (Activate<tanh>: dense layers)   ≤ 4 ulp
//   gate tanh     (GateTanh: GRU/LSTM)             ≤ 5 ulp
//   gate sigmoid  (GateSigmoid: GRU/LSTM)          absolute error ≤ 2e-7
// with the worst input and a histogram each. Exits 1 if a bound is broken
// for any finite input or ±inf, or NaN is not passed through. ~115 s on one
// AVX-512 core; a ctest of the tools builds. (tests/kernels checks samples
// of Activate<tanh> on every Highway target.)
#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

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

/// Runs `simd` over every float; error(out, in) per input. Returns whether
/// the worst error is within `bound` and NaN always came through.
template <class Simd, class Error>
bool sweep(const char* name, Simd simd, Error error, double bound, const char* unit) {
  const hn::ScalableTag<float> d;
  const std::size_t n_lanes = hn::Lanes(d);
  alignas(64) float in[hn::MaxLanes(d)];
  alignas(64) float out[hn::MaxLanes(d)];
  double worst = 0;
  float worst_x = 0;
  std::uint64_t histogram[6] = {}, count = 0, nan_lost = 0;
  // Both signs, from ±0 up to and including ±inf; NaN bit patterns above.
  for (const std::uint64_t base : {0x00000000ull, 0x80000000ull}) {
    for (std::uint64_t u = base; u <= base + 0x7f800000ull; u += n_lanes) {
      for (std::size_t j = 0; j < n_lanes; ++j) {
        const auto bits = static_cast<std::uint32_t>(u + j);
        std::memcpy(&in[j], &bits, sizeof bits);
      }
      hn::Store(simd(d, hn::Load(d, in)), d, out);
      for (std::size_t j = 0; j < n_lanes; ++j) {
        if (std::isnan(in[j])) {
          nan_lost += !std::isnan(out[j]);
          continue;
        }
        ++count;
        const double e = error(out[j], in[j]);
        const double bucket = e / bound * 4;  // 0..4 = within the bound, 5 = beyond
        ++histogram[!(bucket <= 4) ? 5 : static_cast<int>(bucket)];
        if (!(e <= worst)) {
          worst = e;
          worst_x = in[j];
        }
      }
    }
  }
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

double tanh_ulp(float got, float x) {
  const auto want = static_cast<float>(std::tanh(static_cast<double>(x)));
  return static_cast<double>(std::llabs(ordinal(got) - ordinal(want)));
}
}  // namespace

int main() {
  bool ok = true;
  ok &= sweep(
      "tanh", [](auto d, auto v) { return k::Activate(d, v, ctnn::tanh{}); }, tanh_ulp, 4, "ulp");
  ok &= sweep(
      "gate tanh", [](auto d, auto v) { return k::GateTanh(d, v); }, tanh_ulp, 5, "ulp");
  ok &= sweep(
      "gate sigmoid", [](auto d, auto v) { return k::GateSigmoid(d, v); },
      [](float got, float x) {
        return std::abs(static_cast<double>(got) - 1.0 / (1.0 + std::exp(-static_cast<double>(x))));
      },
      2e-7, "absolute");
  return ok ? 0 : 1;
}
