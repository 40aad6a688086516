// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: ctnn::deserialize on arbitrary bytes, mutated byte by
// byte (no structure: this target tests the size checks and the checksum
// itself; fuzz_model_structured.cpp gets past the checksum). Any input must
// either load or throw ctnn::model_error — never crash, never trip a
// sanitizer — and a refused input must leave every byte of the network
// untouched.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz_nets.hpp"

using Net = fuzz_nets::dense;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Net net;
  alignas(Net) static unsigned char before[sizeof(Net)];
  std::memcpy(before, static_cast<const void*>(&net), sizeof(Net));
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    ctnn::deserialize(net, bytes, "fuzz", {.allow_nonfinite = (size % 2) == 1});
  } catch (const ctnn::model_error&) {
    if (std::memcmp(before, static_cast<const void*>(&net), sizeof(Net)) != 0) std::abort();  // refused but changed
  }
  return 0;
}
