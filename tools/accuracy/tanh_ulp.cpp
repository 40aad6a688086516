// SPDX-License-Identifier: Apache-2.0
// Every float through the SIMD tanh (the TU's static target): the worst
// distance in ulp from tanh in double, rounded to float, and a histogram.
// Exits 1 if any finite input or ±inf is more than 4 ulp off or NaN is not
// passed through. ~25 s on one AVX-512 core; a ctest of the tools builds.
// (tests/kernels checks samples in [−30, 30] on every Highway target.)
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

/// Floats in an integer order where adjacent floats differ by 1 (±0 equal).
std::int64_t ordinal(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i < 0 ? -static_cast<std::int64_t>(i & 0x7fffffff) : i;
}
}  // namespace

int main() {
  const hn::ScalableTag<float> d;
  const std::size_t n_lanes = hn::Lanes(d);
  alignas(64) float in[hn::MaxLanes(d)];
  alignas(64) float out[hn::MaxLanes(d)];
  std::int64_t worst = 0;
  float worst_x = 0;
  std::uint64_t histogram[6] = {}, count = 0, nan_lost = 0;
  // Both signs, from ±0 up to and including ±inf; NaN bit patterns above.
  for (const std::uint64_t base : {0x00000000ull, 0x80000000ull}) {
    for (std::uint64_t u = base; u <= base + 0x7f800000ull; u += n_lanes) {
      for (std::size_t j = 0; j < n_lanes; ++j) {
        const auto bits = static_cast<std::uint32_t>(u + j);
        std::memcpy(&in[j], &bits, sizeof bits);
      }
      hn::Store(ctnn::HWY_NAMESPACE::Activate(d, hn::Load(d, in), ctnn::tanh{}), d, out);
      for (std::size_t j = 0; j < n_lanes; ++j) {
        if (std::isnan(in[j])) {
          nan_lost += !std::isnan(out[j]);
          continue;
        }
        ++count;
        const auto want = static_cast<float>(std::tanh(static_cast<double>(in[j])));
        const std::int64_t e = std::llabs(ordinal(out[j]) - ordinal(want));
        ++histogram[e < 5 ? e : 5];
        if (e > worst) {
          worst = e;
          worst_x = in[j];
        }
      }
    }
  }
  std::printf("tanh (%s): %llu inputs (every finite float, ±inf); worst %lld ulp at x = %.9g\n",
              hwy::TargetName(HWY_STATIC_TARGET), static_cast<unsigned long long>(count), static_cast<long long>(worst),
              static_cast<double>(worst_x));
  std::printf("ulp  0: %llu  1: %llu  2: %llu  3: %llu  4: %llu  >4: %llu; NaN lost: %llu\n",
              static_cast<unsigned long long>(histogram[0]), static_cast<unsigned long long>(histogram[1]),
              static_cast<unsigned long long>(histogram[2]), static_cast<unsigned long long>(histogram[3]),
              static_cast<unsigned long long>(histogram[4]), static_cast<unsigned long long>(histogram[5]),
              static_cast<unsigned long long>(nan_lost));
  return worst <= 4 && nan_lost == 0 ? 0 : 1;
}
