// SPDX-License-Identifier: Apache-2.0
// The all-target test loop: runs a body once per Highway target that this CPU
// supports and the TU compiled (dispatch forced with
// hwy::SetSupportedTargetsForTest), names the targets it ran in one line of
// the test output, and fails if the CPU supports a target it did not run —
// so a target that silently drops out of the build (a compiler, a flag, a
// Highway policy) cannot go unseen. TUs that use it are built for every
// attainable target (HWY_COMPILE_ALL_ATTAINABLE, HWY_WANT_AVX3_DL).
#pragma once

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/targets.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace ctnn_test {

/// Space-separated names of the target bits in `mask`, best first.
inline std::string target_names(std::int64_t mask) {
  std::string names;
  for (std::int64_t bit = 1; bit != 0 && bit <= mask; bit <<= 1)
    if ((mask & bit) != 0) names += std::string(names.empty() ? "" : " ") + hwy::TargetName(bit);
  return names;
}

/// Targets this build leaves out on purpose: HWY_DISABLED_TARGETS (none
/// unless a build defines it) and the one scalar
/// fallback this compiler's Highway never builds (it builds EMU128 or, where
/// EMU128 is broken, SCALAR).
inline constexpr std::int64_t excluded_targets =
    std::int64_t{HWY_DISABLED_TARGETS} | ((HWY_SCALAR | HWY_EMU128) & ~std::int64_t{HWY_BASELINE_SCALAR});

/// Every target this CPU supports that a test must run.
inline std::int64_t cpu_targets() {
  hwy::SetSupportedTargetsForTest(0);
  return hwy::SupportedTargets() & ~excluded_targets;
}

/// Restores Highway's own target detection, also when a REQUIRE throws.
struct target_override_reset {
  target_override_reset() = default;
  target_override_reset(const target_override_reset&) = delete;
  target_override_reset& operator=(const target_override_reset&) = delete;
  ~target_override_reset() { hwy::SetSupportedTargetsForTest(0); }
};

/// Runs `body` once per supported and compiled target with dispatch forced to
/// it; `current()` must return the dispatched target's HWY_TARGET (proof that
/// dispatch really switched). Prints "targets: ..." once and fails if a
/// target the CPU supports was not run.
template <class Current, class Body>
void for_each_target(Current&& current, Body&& body) {
  const std::int64_t required = cpu_targets();
  std::int64_t ran = 0;
  {
    const target_override_reset reset;
    for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
      hwy::SetSupportedTargetsForTest(target);
      INFO("target " << hwy::TargetName(target));
      REQUIRE(current() == target);
      body();
      ran |= target;
    }
  }
  const std::int64_t left_out = [] {
    hwy::SetSupportedTargetsForTest(0);
    return hwy::SupportedTargets() & excluded_targets;
  }();
  WARN("targets: " << target_names(ran)
                   << (left_out != 0 ? " (supported, left out by this build: " + target_names(left_out) + ")" : ""));
  INFO("supported by this CPU but not run: " << target_names(required & ~ran));
  CHECK((required & ~ran) == 0);
  CHECK(ran != 0);
}

}  // namespace ctnn_test
