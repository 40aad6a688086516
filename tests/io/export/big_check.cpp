// SPDX-License-Identifier: Apache-2.0
// The Fashion-MNIST-sized header (235,146 parameters) in a TU of its own,
// built with the compilers' default constexpr limits (no -fconstexpr-*).
#include "big_model.hpp"

#include <span>

static_assert(big_model::network_type::parameter_count > 0);

void big_model_forward(const float* x, float* y) {
  using Net = big_model::network_type;
  big_model::network.forward(std::span<const float, Net::input_size>(x, Net::input_size),
                             std::span<float, Net::output_size>(y, Net::output_size));
}
