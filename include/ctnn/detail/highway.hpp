// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/highway.hpp — how ctnn includes Highway (every ctnn header
// includes hwy/highway.h through this file; no include guard, because
// Highway's per-target re-inclusion must reach hwy/highway.h on every pass).

// IWYU pragma: private
#include "ctnn/detail/targets.hpp"
#include <hwy/highway.h>
