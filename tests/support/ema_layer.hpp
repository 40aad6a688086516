// SPDX-License-Identifier: Apache-2.0
// The test's stateful layer: an exponential moving average per feature,
//   s ← s + α·(x − s),  y = s,  α = Num/Den,
// with s the layer's state (zero after construction and net.reset()). It is
// a user layer in every respect — its compile-time part here, its Highway
// kernel in ema_layer-inl.hpp — and shows what the layer protocol asks of a
// stateful layer (GRU hidden state, a causal convolution's history).
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include <ctnn/config.hpp>

namespace ctnn_test {

template <std::size_t C, int Num, int Den>
class ema_layer {
 public:
  static constexpr std::size_t in_extent = C, out_extent = C;
  static constexpr std::size_t in_padded = ctnn::padded(C), out_padded = ctnn::padded(C);
  static constexpr bool reads_input_padding = true;  // the kernel runs whole vectors
  static constexpr std::size_t parameter_count = 0, parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) noexcept { return k; }
  template <class F>
  constexpr void for_each_parameter(F&&) const noexcept {}
  template <class F>
  constexpr void for_each_parameter_block(F&&) const noexcept {}
  static constexpr float alpha = static_cast<float>(Num) / static_cast<float>(Den);

  static std::string cpp_spec_name() {
    return "ctnn_test::ema<" + std::to_string(Num) + ", " + std::to_string(Den) + ">";
  }
  static std::string short_name() { return "ema"; }

  static constexpr bool is_stateful = true;
  struct state {
    alignas(ctnn::alignment) std::array<float, ctnn::padded(C)> s{};
  };

  /// One time step, scalar: the reference and the constant-expression path.
  constexpr void forward(state& st, const float* x, float* y) const noexcept {
    for (std::size_t c = 0; c < C; ++c) {
      st.s[c] = st.s[c] + alpha * (x[c] - st.s[c]);
      y[c] = st.s[c];
    }
    for (std::size_t c = C; c < out_padded; ++c) y[c] = 0.0f;
  }
};

template <int Num, int Den>
struct ema {
  static constexpr std::size_t out_extent(std::size_t in) noexcept { return in; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = true;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = ema_layer<In, Num, Den>;
};

}  // namespace ctnn_test

#include "ema_layer-inl.hpp"
