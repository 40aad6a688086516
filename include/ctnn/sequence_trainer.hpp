// SPDX-License-Identifier: Apache-2.0
// ctnn/sequence_trainer.hpp — ctnn::sequence_trainer<Net, Loss, Optimizer,
// Batch, Steps, Guard>: truncated backpropagation through time. A step runs
// a window of `Steps` time steps of `Batch` sequences through the network
// (every layer over the whole window: GRU/LSTM/Conv1D through their sequence
// members, stateless layers on the window's Batch·Steps rows as one batch),
// the loss over all steps, backward through the window in reverse, and the
// optimizer's update. The state of each sequence is carried to the next
// window; the gradient stops at the window's edge (PyTorch's detach()).
// Owns its workspace as fixed-size arrays: a step never allocates. Every
// kernel call has a constexpr scalar twin, so a tiny recurrent network can
// be trained inside a constant expression.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/detail/train_chain.hpp"
#include "ctnn/kernels/backend.hpp"
#include "ctnn/kernels/static.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/losses.hpp"
#include "ctnn/optimizers.hpp"
#include "ctnn/threads.hpp"
#include "ctnn/trainer.hpp"

namespace ctnn {

/// Truncated backpropagation through time over windows of `Steps` time steps
/// of `Batch` sequences:
///
///     using Net = ctnn::network<ctnn::input<1>, ctnn::residual<ctnn::lstm<16>, ctnn::dense<1>>>;
///     static ctnn::sequence_trainer<Net, ctnn::esr_loss<85, 100>, ctnn::adam, 32, 2048> tr{
///         ctnn::adam{.learning_rate = 5e-3f}};
///     tr.warm_up(net, x_head);          // settle the states, no gradient
///     float loss = tr.step(net, x, y);  // one window; the states carry on
///
/// Template parameters: the network (any layers; stateful ones need the
/// sequence members of the layer protocol, which GRU, LSTM, Conv1D and
/// residual blocks have), a Loss — per step (mse, or any ctnn::Loss with
/// sample(); the mean over all steps) or per window (ctnn::esr_loss) —, a
/// ctnn::Optimizer, the window's shape, and the divergence guard (see
/// ctnn::trainer).
///
/// Windows are sequence-major: x holds Batch sequences of Steps rows of
/// input_size floats (x[(b·Steps + t)·input_size + i]), the targets Batch
/// sequences of Steps rows of output_size floats. The trainer keeps one
/// state per sequence (value-initialised = zero; reset(), states()): each
/// step starts from the states the previous one left, the network's own
/// state (net.reset(), forward()) is not touched. The sequences of one
/// window are independent; a window is one update.
///
/// Memory: the activations and caches of every layer for Batch·Steps rows
/// (padded to 16 floats), gradients, optimizer state and scratch, inside the
/// object — static storage for large windows (residual<lstm<16>, dense<1>>
/// with Adam at 32 × 2048: sizeof is 59.3 MB). Threads: use_threads(pool)
/// splits the GEMMs and the update as ctnn::trainer does.
/// Example: examples/amp_model.cpp, tests/sequence_training.test.cpp
template <class Net, class L, class Opt, std::size_t Batch, std::size_t Steps, guard G = guard::off,
          class Target = detail::static_target>
class sequence_trainer {
  static_assert(Optimizer<Opt>, "ctnn::sequence_trainer<Net, L, Opt, ...>: Opt must satisfy ctnn::Optimizer "
                                "(ctnn/optimizers/optimizer.hpp)");
  static_assert(detail::loss_check<L>::value, "ctnn::sequence_trainer<Net, L, ...>: L must satisfy ctnn::Loss");
  static_assert(Batch >= 1 && Steps >= 1, "ctnn::sequence_trainer: Batch and Steps must be at least 1");
  using last_layer = typename Net::template layer_type<Net::layer_count - 1>;
  static_assert(L::template accepts_output<detail::output_activation<last_layer>>,
                "ctnn::sequence_trainer: the loss does not fit the output activation (cross_entropy needs a softmax "
                "output layer, binary_cross_entropy a sigmoid one)");
  static_assert(detail::loss_takes_windows<L> || detail::loss_takes_targets<L>,
                "ctnn::sequence_trainer: the loss needs float targets per step (sample(z, a, n, t, grad, scale)) "
                "or whole windows (window(y, t, batch, steps, outputs, grad))");

  static constexpr std::size_t rows = Batch * Steps;
  static constexpr std::size_t in = Net::input_size, out = Net::output_size;
  static constexpr std::size_t in_padded = padded(in);
  static constexpr std::size_t out_padded = last_layer::out_padded;
  static constexpr bool windowed = detail::loss_takes_windows<L>;
  using chain = detail::train_chain<Net, Batch, Steps>;
  using update_type = detail::optimizer_step<Net, Opt, G, Target>;
  using backend = detail::backend<Target>;
  static_assert(update_type::storage == chain::storage);

 public:
  static constexpr std::size_t batch_size = Batch;
  static constexpr std::size_t steps_per_window = Steps;
  using network_type = Net;
  using optimizer_type = Opt;
  using state_type = typename Net::state_type;
  using input_window = std::span<const float, Batch * Steps * in>;
  using target_window = std::span<const float, Batch * Steps * out>;

  constexpr sequence_trainer() = default;
  constexpr explicit sequence_trainer(const Opt& opt) : update_(opt) {}

  /// Hyper-parameters; change them between steps.
  constexpr Opt& optimizer() noexcept { return update_.optimizer(); }
  constexpr const Opt& optimizer() const noexcept { return update_.optimizer(); }
  /// Number of optimizer steps taken.
  constexpr std::size_t steps() const noexcept { return update_.steps(); }
  /// guard::on only: switch the update check off or on (see ctnn::trainer).
  constexpr void guard_updates(bool on) noexcept {
    static_assert(G == guard::on, "ctnn::sequence_trainer::guard_updates: the update guard is chosen at compile "
                                  "time; use ctnn::sequence_trainer<Net, Loss, Opt, Batch, Steps, ctnn::guard::on>");
    update_.guard_updates(on);
  }
  /// Splits the GEMMs and the update of every following step over `pool`
  /// (bit-identical for a given pool size); nullptr: the calling thread.
  void use_threads(thread_pool* pool) noexcept { pool_ = pool; }
  void use_threads(thread_pool& pool) noexcept { pool_ = &pool; }

  /// The state of each of the Batch sequences (zero: a new sequence).
  constexpr std::array<state_type, Batch>& states() noexcept { return states_; }
  constexpr const std::array<state_type, Batch>& states() const noexcept { return states_; }
  /// Zeroes every sequence's state: the next window starts new sequences.
  constexpr void reset() noexcept { states_ = {}; }

  /// Runs the Batch sequences forward by W steps without a gradient, to
  /// settle their states (x: Batch sequences of W rows of input_size floats,
  /// W = x.size() / (Batch·input_size), any W). The inference kernels run
  /// (net.forward_sequence's), so the states are those streaming gives.
  /// std::invalid_argument if x does not hold Batch whole sequences.
  constexpr void warm_up(const Net& net, std::span<const float> x) {
    if (x.size() % (Batch * in) != 0)
      throw std::invalid_argument("ctnn::sequence_trainer::warm_up: x holds " + std::to_string(x.size()) +
                                  " floats, not Batch (" + std::to_string(Batch) + ") sequences of whole rows of " +
                                  std::to_string(in) + " inputs");
    const std::size_t w = x.size() / (Batch * in);
    for (std::size_t b = 0; b < Batch; ++b) {
      const float* xb = x.data() + b * w * in;
      if (std::is_constant_evaluated()) {
        for (std::size_t t = 0; t < w; ++t) net.forward_reference(states_[b], xb + t * in, y_.data());
      } else {
        // In pieces of the y_ buffer's rows.
        for (std::size_t t = 0; t < w; t += rows) {
          const std::size_t n = w - t < rows ? w - t : rows;
          HWY_STATIC_DISPATCH(ForwardSequence)(static_cast<const typename Net::list_type&>(net), states_[b],
                                               xb + t * in, n, y_.data());
        }
      }
    }
  }

  /// One window: forward through all Steps steps from the carried states,
  /// the loss over every step, backward through time, the update. Returns
  /// the window's loss before the update; the states move to the window's
  /// end. Throws divergence_error (states, parameters and optimizer state as
  /// they were) when the loss or a gradient is NaN/Inf.
  constexpr float step(Net& net, input_window x, target_window y) {
    if (!std::is_constant_evaluated() && pool_ != nullptr) return step_threads(net, x, y);
    return step_impl(net, x, y);
  }

  /// The window's loss and d(loss)/d(parameters) in interchange order, from
  /// the carried states. Changes neither the network nor the states.
  constexpr float gradient(const Net& net, input_window x, target_window y, std::span<float, Net::parameter_count> g) {
    backup_ = states_;
    const float l = forward_backward(net, x, y);
    states_ = backup_;
    std::size_t k = 0;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (export_layer<I>(g, k), ...);
    }(std::make_index_sequence<Net::layer_count>{});
    return l;
  }

 private:
  float step_threads(Net& net, input_window x, target_window y) {
    const detail::parallel_scope scope(pool_);
    return step_impl(net, x, y);
  }
  constexpr float step_impl(Net& net, input_window x, target_window y) {
    backup_ = states_;
    const float l = forward_backward(net, x, y);
    update_.apply(
        net, grads_.data(), l, "ctnn::sequence_trainer::step", [&] { chain_.commit(net); },
        [&] { states_ = backup_; });
    return l;
  }

  constexpr float forward_backward(const Net& net, input_window x, target_window y) {
    // Sequence-major in, time-major (row t·Batch + b) inside; the padding
    // lanes of x_ are zero from construction on and never written.
    // (t outer: the padded side streams, the window's side stays in cache.)
    for (std::size_t t = 0; t < Steps; ++t)
      for (std::size_t b = 0; b < Batch; ++b) {
        float* row = x_.data() + (t * Batch + b) * in_padded;
        const float* src = x.data() + (b * Steps + t) * in;
        for (std::size_t i = 0; i < in; ++i) row[i] = src[i];
      }
    chain_.template forward<backend>(net, x_.data(), scratch_.data(),
                                     [this](std::size_t b) -> state_type& { return states_[b]; });
    const float l = compute_loss(y);
    chain_.template backward<backend>(net, x_.data(), nullptr, grads_.data(), scratch_.data(), !windowed && L::fused);
    return l;
  }

  constexpr float compute_loss(target_window y) {
    const float* a = chain_.output();
    float* g = chain_.output_gradient();  // rows of out_padded; backward may leave anything there
    if constexpr (windowed) {
      for (std::size_t t = 0; t < Steps; ++t)
        for (std::size_t b = 0; b < Batch; ++b)
          for (std::size_t o = 0; o < out; ++o) y_[(b * Steps + t) * out + o] = a[(t * Batch + b) * out_padded + o];
      const double l = L::window(y_.data(), y.data(), Batch, Steps, out, dy_.data());
      for (std::size_t t = 0; t < Steps; ++t)
        for (std::size_t b = 0; b < Batch; ++b) {
          float* gr = g + (t * Batch + b) * out_padded;
          for (std::size_t o = 0; o < out; ++o) gr[o] = dy_[(b * Steps + t) * out + o];
          for (std::size_t o = out; o < out_padded; ++o) gr[o] = 0.0f;
        }
      return static_cast<float>(l);
    } else {
      const float* z = chain_.logits();
      const double scale = L::scale(rows, out);
      double total = 0;
      for (std::size_t t = 0; t < Steps; ++t)
        for (std::size_t b = 0; b < Batch; ++b) {
          const std::size_t r = (t * Batch + b) * out_padded;
          total += L::sample(z + r, a + r, out, y.data() + (b * Steps + t) * out, g + r, scale);
          for (std::size_t o = out; o < out_padded; ++o) g[r + o] = 0.0f;
        }
      return static_cast<float>(total * scale);
    }
  }

  template <std::size_t I>
  constexpr void export_layer(std::span<float, Net::parameter_count> dst, std::size_t& k) const {
    using Lt = typename Net::template layer_type<I>;
    const float* g = grads_.data() + chain::template param_offset<I>;
    for (std::size_t j = 0; j < Lt::parameter_count; ++j) dst[k++] = g[Lt::storage_index(j)];
  }

  alignas(alignment) std::array<float, rows * in_padded> x_{};
  chain chain_{};
  alignas(alignment) std::array<float, chain::storage> grads_{};
  alignas(alignment) std::array<float, chain::scratch_size> scratch_{};
  alignas(alignment) std::array<float, rows * out> y_{};                  // outputs, sequence-major (window losses, warm-up)
  alignas(alignment) std::array<float, windowed ? rows * out : 1> dy_{};  // a window loss's dL/dy
  std::array<state_type, Batch> states_{};
  std::array<state_type, Batch> backup_{};  // the states before the current step
  update_type update_{};
  thread_pool* pool_ = nullptr;
};

}  // namespace ctnn
