// SPDX-License-Identifier: Apache-2.0
// ctnn/model_ref.hpp — call a network whose kernels are compiled in another
// translation unit. This header includes <array>, <cstddef> and <span>
// only: a TU that calls forward through a model_ref parses neither ctnn's
// layers, Boost.Hana nor Highway, and compiles in a fraction of a second.
//
//   // model.hpp — what the rest of the project includes
//   #include <ctnn/model_ref.hpp>
//   ctnn::model_ref<784, 10> classifier();           // defined in model.cpp
//
//   // model.cpp — the one TU that compiles the network and its kernels
//   #include <ctnn/network.hpp>
//   #include "model.hpp"
//   using Net = ctnn::network<ctnn::input<784>, ctnn::dense<256, ctnn::relu>,
//                             ctnn::dense<10, ctnn::softmax>>;
//   static Net net;  // loaded or trained somewhere in this TU
//   ctnn::model_ref<784, 10> classifier() { return ctnn::make_model_ref(net); }
//
//   // anywhere else
//   const auto y = classifier().forward(x);          // one indirect call
//
// A model_ref is two pointers and the network it refers to must outlive it.
// The call costs one indirect call over network::forward (measured in
// tools/compile_time/split: same results, bit for bit).
#pragma once

#include <array>
#include <cstddef>
#include <span>

namespace ctnn {

template <std::size_t In, std::size_t Out>
class model_ref {
 public:
  static constexpr std::size_t input_size = In;
  static constexpr std::size_t output_size = Out;
  /// y[0, Out) = net(x[0, In)); advances the state of a stateful network.
  using forward_fn = void (*)(void* net, const float* x, float* y);
  /// forward_batch over x_size / In rows (the network checks both sizes and
  /// throws std::invalid_argument when they are not whole, equal row counts).
  using batch_fn = void (*)(void* net, const float* x, std::size_t x_size, float* y, std::size_t y_size);

  constexpr model_ref(void* net, forward_fn forward, batch_fn batch) noexcept
      : net_(net), forward_(forward), batch_(batch) {}

  std::array<float, Out> forward(const std::array<float, In>& x) const {
    std::array<float, Out> y;
    forward_(net_, x.data(), y.data());
    return y;
  }
  void forward(std::span<const float, In> x, std::span<float, Out> y) const { forward_(net_, x.data(), y.data()); }
  /// Rows of In floats in x, as many rows of Out floats in y: independent
  /// samples (network::forward_batch), or — for a stateful network —
  /// consecutive time steps. std::invalid_argument if the rows do not match.
  void forward_batch(std::span<const float> x, std::span<float> y) const {
    batch_(net_, x.data(), x.size(), y.data(), y.size());
  }

 private:
  void* net_;
  forward_fn forward_;
  batch_fn batch_;
};

/// A model_ref to `net`, for the TU that compiles Net (it includes the
/// network's headers; the callers of the model_ref do not).
template <class Net>
model_ref<Net::input_size, Net::output_size> make_model_ref(Net& net) noexcept {
  constexpr std::size_t In = Net::input_size, Out = Net::output_size;
  auto forward = [](void* p, const float* x, float* y) {
    static_cast<Net*>(p)->forward(std::span<const float, In>(x, In), std::span<float, Out>(y, Out));
  };
  auto batch = [](void* p, const float* x, std::size_t xn, float* y, std::size_t yn) {
    if constexpr (Net::is_stateful) {
      // Rows are consecutive time steps of one sequence.
      const std::size_t rows = Net::batch_rows_of(xn, yn);
      for (std::size_t r = 0; r < rows; ++r)
        static_cast<Net*>(p)->forward(std::span<const float, In>(x + r * In, In), std::span<float, Out>(y + r * Out, Out));
    } else {
      static_cast<const Net*>(p)->forward_batch(std::span<const float>(x, xn), std::span<float>(y, yn));
    }
  };
  return {&net, +forward, +batch};
}

}  // namespace ctnn
