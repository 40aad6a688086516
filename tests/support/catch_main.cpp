// SPDX-License-Identifier: Apache-2.0
// Catch2's main(), compiled here: Debian's catch2 package ships its
// Catch2WithMain library for the build machine's architecture only, so a
// cross build (the aarch64 preset) needs its own.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
