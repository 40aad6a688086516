// SPDX-License-Identifier: Apache-2.0
// ctnn/evaluate.hpp — ctnn::evaluate(net, loss, x, y): the evaluation-mode
// loss of a data set, what PyTorch's `model.eval()` then the loss gives:
// batch norm uses its running statistics, dropout is the identity. (The
// trainer's loss() is the training-mode one.)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "ctnn/config.hpp"
#include "ctnn/kernels/static.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/losses.hpp"

namespace ctnn {

namespace detail {
template <class Net, class L, class Targets, class Target>
double evaluate_impl(const Net& net, std::span<const float> x, Targets y, std::size_t rows) {
  static_assert(loss_check<L>::value, "ctnn::evaluate: the loss must satisfy ctnn::Loss");
  static_assert(!Net::is_stateful, "ctnn::evaluate: the network keeps state; a sequence loss is not defined here");
  using Last = typename Net::template layer_type<Net::layer_count - 1>;
  static_assert(L::template accepts_output<output_activation<Last>>,
                "ctnn::evaluate: the loss does not fit the output activation (cross_entropy needs a softmax "
                "output layer, binary_cross_entropy a sigmoid one)");
  constexpr std::size_t In = Net::input_size, Out = Net::output_size;
  if (rows == 0 || x.size() != rows * In)
    throw std::invalid_argument("ctnn::evaluate: x holds " + std::to_string(x.size()) + " floats for " +
                                std::to_string(rows) + " samples of input_size " + std::to_string(In) +
                                " (and there must be at least one sample)");
  const double scale = L::scale(rows, Out);
  double total = 0;
  std::array<float, Out> a{}, z{}, g{};
  typename Net::state_type none{};
  for (std::size_t r = 0; r < rows; ++r) {
    HWY_STATIC_DISPATCH(ForwardNet<true>)(static_cast<const typename Net::list_type&>(net), none, x.data() + r * In,
                                    a.data(), z.data());
    if constexpr (std::is_same_v<Targets, std::span<const std::uint32_t>>) {
      if (y[r] >= Out) throw std::out_of_range("ctnn::evaluate: class label >= output_size");
      total += L::sample(z.data(), a.data(), Out, y[r], g.data(), scale);
    } else {
      total += L::sample(z.data(), a.data(), Out, y.data() + r * Out, g.data(), scale);
    }
  }
  return total * scale;
}
}  // namespace detail

/// Mean loss of `net` over rows of `x` (input_size floats each) against
/// targets `y` (output_size floats per row), in evaluation mode; reduced as
/// the loss reduces a batch (e.g. mse: mean over rows × outputs). Runs the
/// SIMD forward pass one sample at a time; never allocates. Throws
/// std::invalid_argument on mismatched sizes. Example: tests/evaluate.test.cpp
template <class Net, class L, class Target = detail::static_target>
double evaluate(const Net& net, const L&, std::span<const float> x, std::span<const float> y) {
  static_assert(detail::loss_takes_targets<L>, "ctnn::evaluate: this loss takes class labels (std::uint32_t)");
  const std::size_t rows = y.size() / Net::output_size;
  if (y.size() % Net::output_size != 0 || x.size() != rows * Net::input_size)
    throw std::invalid_argument("ctnn::evaluate: x holds " + std::to_string(x.size()) + " floats and y " +
                                std::to_string(y.size()) + "; they must hold as many rows of input_size " +
                                std::to_string(Net::input_size) + " and output_size " +
                                std::to_string(Net::output_size));
  return detail::evaluate_impl<Net, L, std::span<const float>, Target>(net, x, y, rows);
}
/// Class-label targets (cross_entropy): one label per row of `x`.
template <class Net, class L, class Target = detail::static_target>
double evaluate(const Net& net, const L&, std::span<const float> x, std::span<const std::uint32_t> y) {
  static_assert(detail::loss_takes_labels<L>, "ctnn::evaluate: class labels need a loss like cross_entropy");
  return detail::evaluate_impl<Net, L, std::span<const std::uint32_t>, Target>(net, x, y, y.size());
}

}  // namespace ctnn
