// SPDX-License-Identifier: Apache-2.0
// The all-target kernel tests' measure of a kernel against its scalar
// reference (tests/kernels). Test-only.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace ctnn_test {

/// Result of comparing a kernel with the reference: the worst ratio of
/// |simd - ref| to the allowed error (must be <= 1), and how many values were
/// compared (must be > 0, so a test cannot pass by comparing nothing).
struct Compare {
  double worst = 0.0;
  std::size_t count = 0;
  std::size_t worst_at = 0;  // index of the worst comparison, for diagnostics
  double worst_err = 0.0;
  void add(double err, double allowed) {
    double r = allowed > 0 ? err / allowed : (err == 0 ? 0.0 : std::numeric_limits<double>::infinity());
    if (std::isnan(r)) r = std::numeric_limits<double>::infinity();  // a NaN is the worst, and sticks
    if (r > worst) {
      worst = r;
      worst_at = count;
      worst_err = err;
    }
    ++count;
  }
};
}  // namespace ctnn_test
