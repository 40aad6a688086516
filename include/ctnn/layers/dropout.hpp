// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/dropout.hpp — ctnn::dropout<Num, Den>: inverted dropout, the
// identity at inference (PyTorch's nn.Dropout).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ctnn/config.hpp"
#include "ctnn/random.hpp"

namespace ctnn {

/// Inverted dropout over C features with rate p = Num/Den (see ctnn::dropout).
/// Training: each value is zeroed with probability p and the others scaled
/// by 1/(1 − p), so inference is the identity. The masks come from a
/// generator seeded with `Seed` that lives in the trainer: a run is
/// reproducible, and trainer::loss/gradient see the same mask until a step
/// is taken (finite-difference checks work).
template <std::size_t C, std::intmax_t Num, std::intmax_t Den, std::uint64_t Seed>
class dropout_layer {
 public:
  static constexpr std::size_t in_extent = C;
  static constexpr std::size_t out_extent = C;
  static constexpr std::size_t in_padded = padded(C);
  static constexpr std::size_t out_padded = padded(C);
  static std::string cpp_spec_name() {
    return "ctnn::dropout<" + std::to_string(Num) + ", " + std::to_string(Den) + ", " + std::to_string(Seed) + ">";
  }
  static std::string short_name() { return "dropout"; }  // in ctnn::topology_name
  static constexpr std::string_view header = "ctnn/layers/dropout.hpp";
  static constexpr double rate = static_cast<double>(Num) / static_cast<double>(Den);
  static constexpr bool reads_input_padding = true;
  static constexpr std::size_t parameter_count = 0;
  static constexpr std::size_t parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) noexcept { return k; }
  template <class F>
  constexpr void for_each_parameter(F&&) const noexcept {}
  template <class F>
  constexpr void for_each_parameter_block(F&&) const noexcept {}

  /// Inference: the identity (y padding lanes 0).
  constexpr void forward(const float* x, float* y) const noexcept {
    for (std::size_t c = 0; c < C; ++c) y[c] = x[c];
    for (std::size_t c = C; c < out_padded; ++c) y[c] = 0.0f;
  }

  template <std::size_t Batch>
  struct train_cache {
    alignas(alignment) std::array<float, Batch * out_padded> mask{};
    rng gen{Seed};          // state at the start of the current step
    rng next{Seed};         // state after drawing the current step's masks
  };
  template <std::size_t Batch>
  static constexpr std::size_t train_scratch = 1;

  template <class Backend, std::size_t Batch>
  constexpr void train_forward(train_cache<Batch>& c, const float* X, float* Y, float*) const {
    rng g = c.gen;
    const float keep = static_cast<float>(1.0 / (1.0 - rate));
    for (std::size_t b = 0; b < Batch; ++b) {
      for (std::size_t f = 0; f < out_padded; ++f) {
        const float m = f < C && g.uniform() >= rate ? keep : 0.0f;
        c.mask[b * out_padded + f] = m;
        Y[b * out_padded + f] = X[b * out_padded + f] * m;
      }
    }
    c.next = g;
  }
  template <class Backend, std::size_t Batch>
  constexpr void train_backward(train_cache<Batch>& c, const float*, const float*, float* dY, float* dX, float*,
                                float*) const {
    if (dX == nullptr) return;
    for (std::size_t i = 0; i < Batch * out_padded; ++i) dX[i] = dY[i] * c.mask[i];
  }
  template <std::size_t Batch>
  constexpr void train_commit(train_cache<Batch>& c) const noexcept {
    c.gen = c.next;  // the next step draws new masks
  }
};

/// Spec of a dropout layer for ctnn::network: rate Num/Den (dropout<1, 5> is
/// 20 %), masks from a generator seeded with Seed. Identity at inference.
/// Example: examples/fashion_mnist_residual.cpp
template <std::intmax_t Num, std::intmax_t Den = 100, std::uint64_t Seed = 0>
struct dropout {
  static_assert(Den > 0 && Num >= 0 && Num < Den, "ctnn::dropout<Num, Den>: the rate Num/Den must lie in [0, 1)");
  static constexpr std::size_t out_extent(std::size_t in) noexcept { return in; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = true;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = dropout_layer<In, Num, Den, Seed>;
};

}  // namespace ctnn

// No SIMD kernel of its own; the pair of headers as every layer has.
#include "ctnn/layers/dropout-inl.hpp"  // IWYU pragma: export
