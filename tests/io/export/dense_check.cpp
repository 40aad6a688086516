// SPDX-License-Identifier: Apache-2.0
// A TU of its own that includes only the generated header (what a user's
// embedding TU does) and exposes its network through a plain function.
#include "dense_model.hpp"

#include <span>

static_assert(dense_model::network_type::parameter_count > 0);

void dense_model_forward(const float* x, float* y) {
  using Net = dense_model::network_type;
  dense_model::network.forward(std::span<const float, Net::input_size>(x, Net::input_size),
                             std::span<float, Net::output_size>(y, Net::output_size));
}
