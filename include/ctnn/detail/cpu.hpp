// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/cpu.hpp — facts about the CPU a kernel runs on that its
// Highway target does not tell: the same AVX3 code runs on cores that
// execute 512-bit operations whole (Intel) and on cores that split each
// into two 256-bit halves (AMD Zen 4), and a latency-bound kernel's best
// vector width differs between them.
#pragma once
// IWYU pragma: private

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define CTNN_HAVE_CPUID 1
#endif

namespace ctnn::detail {

/// Whether the CPU is AMD's (CPUID vendor "AuthenticAMD"): Zen 4 splits
/// every 512-bit operation in two. False off x86.
inline bool cpu_is_amd() noexcept {
#ifdef CTNN_HAVE_CPUID
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0, &a, &b, &c, &d) == 0) return false;
  // "Auth" "enti" "cAMD" in EBX, EDX, ECX, little-endian.
  return b == 0x68747541u && d == 0x69746e65u && c == 0x444d4163u;
#else
  return false;
#endif
}

/// The vector width of a GRU/LSTM step of at most 8 hidden units on the
/// AVX-512 targets (one vector of 8 or 16 lanes; the results are the same
/// bits either way: every lane is its own chain). automatic: 256-bit on
/// AMD, 512-bit elsewhere — measured, 2026-12-03: GRU-8 + dense 1 on an
/// Intel Sapphire Rapids-class Xeon 52 → 37 ns per step with 512-bit,
/// LSTM-8 77 → 44 ns; Zen 4 keeps the 256-bit vectors it was tuned with.
/// Tests set half or full to check both on any machine.
enum class step_width { automatic, half, full };
inline step_width small_step_width = step_width::automatic;

/// Read once per step; the vendor check runs once per process.
inline bool half_width_small_steps() noexcept {
  static const bool amd = cpu_is_amd();
  return small_step_width == step_width::automatic ? amd : small_step_width == step_width::half;
}

}  // namespace ctnn::detail
