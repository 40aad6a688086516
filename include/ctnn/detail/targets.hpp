// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/targets.hpp — the Highway targets ctnn compiles for. Included
// before anything of Highway's (ctnn/detail/highway.hpp, ctnn/dynamic.hpp).
//
// Scalable-vector targets are not supported yet: ctnn's kernels keep
// accumulators in arrays of vectors and step by a compile-time vector width
// (at most ctnn::pad_floats floats), neither of which SVE's sizeless vector
// types allow. On aarch64 ctnn therefore disables Highway's SVE targets
// (HWY_SVE, HWY_SVE2, HWY_SVE_256, HWY_SVE2_128) unless the TU has already
// chosen its own HWY_DISABLED_TARGETS: NEON is the target on every 64-bit
// Arm core. Include ctnn before Highway (or define HWY_DISABLED_TARGETS to
// include those four) — otherwise a kernel's static_assert says so.
#pragma once
#if defined(__aarch64__) && !defined(HWY_DISABLED_TARGETS)
#define HWY_DISABLED_TARGETS (HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128)
#define CTNN_DISABLED_SVE 1
#endif
