# SPDX-License-Identifier: Apache-2.0
# Cross-compiling for 64-bit Arm (aarch64) with Debian's packages alone:
#   apt-get install g++-aarch64-linux-gnu qemu-user
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libhwy-dev:arm64 libboost-dev:arm64 zlib1g-dev:arm64
# Highway, Boost and zlib for arm64 come from Debian multiarch
# (/usr/lib/aarch64-linux-gnu); Catch2 is a header-only, architecture-free
# package. Tests run under qemu-user (`-cpu max`: NEON, SVE and SVE2), see
# the `aarch64` preset.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# qemu-user finds the arm64 dynamic loader and libraries under -L.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max)
