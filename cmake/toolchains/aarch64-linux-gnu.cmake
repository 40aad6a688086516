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
# qemu-user takes the arm64 dynamic loader and libraries from the multiarch
# packages (libc6:arm64, pulled in by libhwy-dev:arm64): `-L /`. Not the
# cross toolchain's copy under /usr/aarch64-linux-gnu — with that glibc
# (2.36-8cross1) under qemu 7.2 a dynamically linked program hangs in
# pthread_create before any syscall (a three-line std::thread program
# reproduces it); Debian 12's libc6:arm64 (2.36-9+deb12u*) runs it.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L / -cpu max)
