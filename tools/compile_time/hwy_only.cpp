// SPDX-License-Identifier: Apache-2.0
// Baseline for the compile-time table: Highway's header and nothing else.
#include <cstdio>
#include <hwy/highway.h>

int main() { std::printf("%d\n", static_cast<int>(HWY_STATIC_TARGET & 0xff)); }
