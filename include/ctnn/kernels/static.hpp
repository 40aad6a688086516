// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/static.hpp — static dispatch (the default): compiles the
// kernels once, for HWY_STATIC_TARGET, i.e. what the TU's -march allows.
// For run-time dispatch over all targets see README "Dynamic dispatch".
#pragma once
#define CTNN_KERNELS_STATIC_HPP_  // ctnn/dynamic.hpp checks it
// IWYU pragma: private, include "ctnn/ctnn.hpp"

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

#include <cstdint>

#include "ctnn/kernels/batch-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/kernels/sequence-inl.hpp"

// A TU compiled for Highway's scalar fallback on x86 (no -march: x86-64's
// baseline has no SSSE3) runs every kernel one lane at a time — S1 forward
// ~4.5x slower than with AVX2. ctnn adds no flags to its users (they may
// deploy elsewhere), so it says so, once per TU, at compile time.
// Silence: -DCTNN_NO_BASELINE_NOTE. README: "Static target or ctnn::dynamic".
// (g++ prints it as a note; clang as a warning, so -Werror makes it an error.)
#if HWY_ARCH_X86 && (HWY_STATIC_TARGET == HWY_SCALAR || HWY_STATIC_TARGET == HWY_EMU128) && \
    !defined(CTNN_NO_BASELINE_NOTE) && !defined(CTNN_DYNAMIC_HPP_)
#pragma message(                                                                                              \
    "ctnn: this TU's static SIMD target is Highway's scalar fallback (built without -march), so ctnn's kernels " \
    "run one lane at a time (~4x slower). Build with -march=native (or e.g. -march=x86-64-v3 -maes -mpclmul), "  \
    "or use <ctnn/dynamic.hpp> for run-time dispatch; -DCTNN_NO_BASELINE_NOTE silences this note.")
#elif HWY_ARCH_X86 && defined(__AVX2__) && (HWY_STATIC_TARGET == HWY_SSSE3 || HWY_STATIC_TARGET == HWY_SSE4) && \
    !defined(CTNN_NO_BASELINE_NOTE) && !defined(CTNN_DYNAMIC_HPP_)
// -march=x86-64-v3 (and g++'s -march=haswell) enable AVX2 without AES and
// PCLMUL, which Highway 1.0.3's AVX2 target requires: the static target
// drops to SSE4/SSSE3 (measured on Zen 4: S5 forward 10.1 -> 13.4 us, T1
// training 88 k -> 50 k samples/s).
#pragma message(                                                                                           \
    "ctnn: this TU enables AVX2 but not AES/PCLMUL, which Highway 1.0.3's AVX2 target requires, so the "     \
    "static SIMD target is SSE4/SSSE3 (up to ~1.8x slower). Add -maes -mpclmul (AVX2 CPUs have them), " \
    "or build with -march=native; -DCTNN_NO_BASELINE_NOTE silences this note.")
#endif

namespace ctnn::detail {
/// Tag naming the static target. Entry points that call kernels take it as a
/// defaulted template argument, so TUs built with different -march flags
/// instantiate differently-mangled functions instead of violating the ODR.
template <std::int64_t Target>
struct target_tag {};
using static_target = target_tag<HWY_STATIC_TARGET>;
}  // namespace ctnn::detail
