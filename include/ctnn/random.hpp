// SPDX-License-Identifier: Apache-2.0
// ctnn/random.hpp — ctnn::rng, a small constexpr pseudo-random generator
// (xoshiro256** seeded through splitmix64) with uniform and normal draws.
// No global state, no std::random_device: the same seed gives the same
// sequence on every compiler, target and platform, at compile time too.
#pragma once

#include <cstdint>

#include "ctnn/config.hpp"
#include "ctnn/detail/cmath.hpp"

namespace ctnn {

/// Deterministic, seedable, constexpr PRNG. Not cryptographic.
class rng {
 public:
  constexpr explicit rng(std::uint64_t seed) noexcept {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;  // splitmix64
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }

  /// Next 64 random bits (xoshiro256**).
  constexpr std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  constexpr double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1p-53; }

  /// Uniform integer in [0, n), n >= 1 (rejection of the biased low range).
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }

  /// Standard normal deviate (Marsaglia's polar method, in double, no FMA
  /// contraction: bit-identical everywhere).
  CTNN_NO_CONTRACT_ATTR constexpr double normal() noexcept {
    CTNN_NO_CONTRACT_BEGIN
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = detail::sqrt(-2.0 * detail::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace ctnn
