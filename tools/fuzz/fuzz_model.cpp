// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: ctnn::deserialize on arbitrary bytes. Any input must
// either load or throw ctnn::model_error — never crash, never trip a
// sanitizer — and a refused input must leave the network untouched.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctnn/io/model_file.hpp>
#include <ctnn/network.hpp>
#include <vector>

using Net = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>, ctnn::dense<2, ctnn::softmax>>;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Net net;
  std::array<float, Net::parameter_count> before{}, after{};
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(before));
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    ctnn::deserialize(net, bytes, "fuzz", {.allow_nonfinite = (size % 2) == 1});
  } catch (const ctnn::model_error&) {
    ctnn::get_parameters(net, std::span<float, Net::parameter_count>(after));
    if (std::memcmp(before.data(), after.data(), sizeof before) != 0) std::abort();  // refused but changed
  }
  return 0;
}
