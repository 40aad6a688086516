// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the IDX parsers on arbitrary bytes. Any input must parse
// consistently or throw ctnn::data::idx_error — never crash or overread.
#include <cstdint>
#include <cstdlib>
#include <ctnn/data/idx.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    const auto im = ctnn::data::parse_idx_images(bytes, "fuzz");
    if (im.pixels.size() != im.count * im.rows * im.cols) std::abort();
    if (im.count > 0) (void)im.image(im.count - 1)[0];
  } catch (const ctnn::data::idx_error&) {
  }
  try {
    const auto lb = ctnn::data::parse_idx_labels(bytes, "fuzz");
    if (lb.count() + 8 != size) std::abort();
  } catch (const ctnn::data::idx_error&) {
  }
  return 0;
}
