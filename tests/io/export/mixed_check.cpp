// SPDX-License-Identifier: Apache-2.0
// A TU of its own that includes only the generated header of the batch-norm /
// residual / dropout network.
#include "mixed_model.hpp"

#include <span>

static_assert(mixed_model::network_type::buffer_count > 0);

void mixed_model_forward(const float* x, float* y) {
  using Net = mixed_model::network_type;
  mixed_model::network.forward(std::span<const float, Net::input_size>(x, Net::input_size),
                             std::span<float, Net::output_size>(y, Net::output_size));
}
