// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the audio examples' WAV reader (examples/wav.hpp) on
// arbitrary bytes. Any input must parse into whole 16-bit mono samples in
// [−1, 1) at a non-zero rate, or throw std::runtime_error — never crash or
// overread.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "wav.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const wav::audio a = wav::parse(std::vector<unsigned char>(data, data + size), "fuzz");
    if (a.sample_rate == 0 || 2 * a.samples.size() > size) std::abort();  // never more samples than bytes
    for (float s : a.samples)
      if (!(s >= -1.0f && s < 1.0f)) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
