// SPDX-License-Identifier: Apache-2.0
// Baseline for the compile-time table: Highway's header and nothing else.
#include <cstdio>
#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>

int main() { std::printf("%d\n", static_cast<int>(HWY_STATIC_TARGET & 0xff)); }
