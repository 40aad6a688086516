// SPDX-License-Identifier: Apache-2.0
// A TU of its own that includes only the generated header of the sequence
// network (GRU, LSTM, causal Conv1D): the exported `network` is const, so a
// program streams through its own copy.
#include "sequence_model.hpp"

#include <span>

static_assert(sequence_model::network_type::is_stateful);

void sequence_model_forward(const float* x, float* y) {
  using Net = sequence_model::network_type;
  static Net net = sequence_model::network;  // one time step per call
  net.forward(std::span<const float, Net::input_size>(x, Net::input_size),
              std::span<float, Net::output_size>(y, Net::output_size));
}
