// SPDX-License-Identifier: Apache-2.0
// ctnn/trainer.hpp — ctnn::backprop<Net, Loss, Batch> (forward, loss,
// backward: gradients without an optimizer) and ctnn::trainer<Net, Loss,
// Optimizer, Batch, Guard> (a backprop, an optimizer's state and update, and
// the divergence guard). Both own their workspace as fixed-size arrays; a
// step never allocates. Every kernel call has a constexpr scalar twin, so a
// small network can be trained inside a constant expression.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
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

namespace ctnn {

/// Thrown by trainer::step when the loss, a gradient or an updated parameter
/// is NaN or infinite. The network and the optimizer state are left as they
/// were before the step (the last good parameters).
class divergence_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};


/// The divergence guard's second part, chosen at compile time (see trainer).
enum class guard {
  off,  ///< the loss and gradients are checked before every update (always)
  on,   ///< also every updated parameter, restoring parameters and optimizer
        ///< state when one overflowed: the trainer holds a snapshot of both
};

/// Backpropagation without an optimizer: forward, loss and backward through
/// every layer (chain rule) for `Batch` samples at a time, and the gradient
/// in interchange order. Owns the activation caches, the gradients and the
/// scratch as fixed-size arrays: no heap allocation, no large stack buffers.
/// ctnn::trainer holds one; use it alone for gradients (finite-difference
/// checks, a hand-written update):
///
///     static ctnn::backprop<Net, ctnn::mse, 32> bp;
///     float loss = bp.gradient(net, x, y, g);   // g: std::span<float, Net::parameter_count>
///
/// Inputs are Batch·input_size floats, row-major. Targets are
/// Batch·output_size floats, or, for cross_entropy, Batch class indices.
/// The loss is the training-mode one (batch statistics, dropout masks);
/// ctnn::evaluate gives the evaluation-mode loss.
template <class Net, class L, std::size_t Batch, class Target = detail::static_target>
class backprop {
  static_assert(detail::loss_check<L>::value, "ctnn::trainer<Net, L, ...>: L must satisfy ctnn::Loss");
  static_assert(Batch >= 1, "ctnn::trainer: Batch must be at least 1");
  static constexpr std::size_t layer_count = Net::layer_count;
  template <std::size_t I>
  using layer_t = typename Net::template layer_type<I>;
  using last_layer = layer_t<layer_count - 1>;
  static_assert(L::template accepts_output<detail::output_activation<last_layer>>,
                "ctnn::trainer: the loss does not fit the output activation (cross_entropy needs a softmax "
                "output layer, binary_cross_entropy a sigmoid one)");
  static_assert(detail::loss_takes_targets<L> || detail::loss_takes_labels<L>,
                "ctnn::trainer: this loss sees whole windows of sequences (a window loss, e.g. ctnn::esr): train "
                "with ctnn::sequence_trainer");

 public:
  using backend = detail::backend<Target>;
  using chain = detail::train_chain<Net, Batch>;
  /// Floats of gradient storage (every layer's parameter_storage).
  static constexpr std::size_t storage_size = chain::storage;
  static constexpr std::size_t batch_size = Batch;
  using network_type = Net;
  using input_batch = std::span<const float, Batch * Net::input_size>;
  using target_batch = std::span<const float, Batch * Net::output_size>;
  using label_batch = std::span<const std::uint32_t, Batch>;

  /// Mean loss of the batch and d(loss)/d(parameters) in interchange order
  /// (the order of get_parameters). Does not change the network.
  constexpr float gradient(const Net& net, input_batch x, target_batch y, std::span<float, Net::parameter_count> g) {
    return gradient_impl(net, x, y, g);
  }
  constexpr float gradient(const Net& net, input_batch x, label_batch y, std::span<float, Net::parameter_count> g) {
    return gradient_impl(net, x, y, g);
  }

  /// Mean loss of the batch, forward pass only (training mode).
  constexpr float loss(const Net& net, input_batch x, target_batch y) { return loss_impl(net, x, y); }
  constexpr float loss(const Net& net, input_batch x, label_batch y) { return loss_impl(net, x, y); }

  /// Forward, loss, backward: the gradients in storage order (gradients()).
  template <class Targets>
  constexpr float forward_backward(const Net& net, input_batch x, Targets y) {
    forward(net, x);
    const float l = compute_loss(y);
    // The loss wrote dL/dz (fused) or dL/da of the output layer.
    chain_.template backward<backend>(net, x_.data(), nullptr, grads_.data(), scratch_.data(), L::fused);
    return l;
  }
  /// The gradients of the last forward_backward, laid out as the layers'
  /// parameter storage one after the other (offset<I>() for layer I).
  constexpr float* gradients() noexcept { return grads_.data(); }
  constexpr const float* gradients() const noexcept { return grads_.data(); }
  template <std::size_t I>
  static constexpr std::size_t offset() noexcept {
    return chain::template param_offset<I>;
  }
  /// After an accepted step: layers with state updated by training (batch
  /// norm's running statistics, dropout's generator) take it over.
  constexpr void commit(Net& net) { chain_.commit(net); }

 private:
  static constexpr std::size_t in_padded = padded(Net::input_size);
  static constexpr std::size_t out_padded = last_layer::out_padded;

  template <class Targets>
  static constexpr void check_targets() {
    static_assert(!std::is_same_v<Targets, label_batch> || detail::loss_takes_labels<L>,
                  "ctnn::trainer: class-label targets need a loss with a class-label sample() (cross_entropy); pass "
                  "std::span<const float, Batch * output_size> targets");
    static_assert(!std::is_same_v<Targets, target_batch> || detail::loss_takes_targets<L>,
                  "ctnn::trainer: this loss takes class labels only; pass std::span<const std::uint32_t, Batch> targets");
  }
  template <class Targets>
  constexpr float gradient_impl(const Net& net, input_batch x, Targets y, std::span<float, Net::parameter_count> g) {
    const float l = forward_backward(net, x, y);
    std::size_t k = 0;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (export_layer<I>(g, k), ...);
    }(std::make_index_sequence<layer_count>{});
    return l;
  }
  template <std::size_t I>
  constexpr void export_layer(std::span<float, Net::parameter_count> out, std::size_t& k) const {
    using Lt = layer_t<I>;
    const float* g = grads_.data() + chain::template param_offset<I>;
    for (std::size_t j = 0; j < Lt::parameter_count; ++j) out[k++] = g[Lt::storage_index(j)];
  }
  template <class Targets>
  constexpr float loss_impl(const Net& net, input_batch x, Targets y) {
    forward(net, x);
    return compute_loss(y);
  }

  template <class Targets>
  constexpr float compute_loss(Targets y) {
    check_targets<Targets>();
    const float* a = chain_.output();
    const float* z = chain_.logits();
    const double scale = L::scale(Batch, Net::output_size);
    double total = 0;
    for (std::size_t b = 0; b < Batch; ++b) {
      float* g = chain_.output_gradient() + b * out_padded;
      if constexpr (std::is_same_v<Targets, label_batch>) {
        if (y[b] >= Net::output_size) throw std::out_of_range("ctnn::trainer: class label >= output_size");
        if constexpr (detail::loss_takes_labels<L>)
          total += L::sample(z + b * out_padded, a + b * out_padded, Net::output_size, y[b], g, scale);
      } else {
        if constexpr (detail::loss_takes_targets<L>)
          total += L::sample(z + b * out_padded, a + b * out_padded, Net::output_size, y.data() + b * Net::output_size,
                             g, scale);
      }
      for (std::size_t c = Net::output_size; c < out_padded; ++c) g[c] = 0.0f;
    }
    return static_cast<float>(total * scale);
  }

  constexpr void forward(const Net& net, input_batch x) {
    constexpr std::size_t in = Net::input_size;
    for (std::size_t b = 0; b < Batch; ++b) {
      for (std::size_t i = 0; i < in; ++i) x_[b * in_padded + i] = x[b * in + i];
      for (std::size_t i = in; i < in_padded; ++i) x_[b * in_padded + i] = 0.0f;
    }
    chain_.template forward<backend>(net, x_.data(), scratch_.data());
  }

  alignas(alignment) std::array<float, Batch * in_padded> x_{};
  chain chain_{};
  alignas(alignment) std::array<float, storage_size> grads_{};
  alignas(alignment) std::array<float, chain::scratch_size> scratch_{};
};

namespace detail {
/// What guard::on adds to a trainer: a snapshot of the parameters and the
/// optimizer state, and the switch. guard::off: nothing (an empty base).
template <guard G, class State, std::size_t Storage>
struct update_guard {
  static constexpr bool available = false;
};
template <class State, std::size_t Storage>
struct update_guard<guard::on, State, Storage> {
  static constexpr bool available = true;
  State state_backup{};  // optimizer state before the current update
  alignas(alignment) std::array<float, Storage> parameters_backup{};
  bool enabled = true;
};
}  // namespace detail

namespace detail {
/// The part of a training step that follows the gradient, shared by
/// ctnn::trainer and ctnn::sequence_trainer: the divergence guard, gradient
/// clipping, the optimizer's update (split over the active thread pool),
/// commit and the step count. Gradients are laid out as the layers'
/// parameter storages one after another (train_chain's param_offset).
template <class Net, class Opt, guard G, class Target>
class optimizer_step {
  static constexpr std::size_t layer_count = Net::layer_count;
  template <std::size_t I>
  using layer_t = typename Net::template layer_type<I>;
  template <std::size_t... I>
  static constexpr std::array<std::size_t, layer_count + 1> make_offsets(std::index_sequence<I...>) {
    const std::array<std::size_t, layer_count> storage{layer_t<I>::parameter_storage...};
    std::array<std::size_t, layer_count + 1> off{};
    for (std::size_t i = 0; i < layer_count; ++i) off[i + 1] = off[i] + storage[i];
    return off;
  }
  static constexpr auto offsets = make_offsets(std::make_index_sequence<layer_count>{});
  using backend = detail::backend<Target>;

 public:
  /// Floats of gradient storage (every layer's parameter_storage).
  static constexpr std::size_t storage = offsets[layer_count];
  using opt_state = typename Opt::template state<storage>;

  constexpr optimizer_step() = default;
  constexpr explicit optimizer_step(const Opt& opt) : opt_(opt) {}

  constexpr Opt& optimizer() noexcept { return opt_; }
  constexpr const Opt& optimizer() const noexcept { return opt_; }
  constexpr std::size_t steps() const noexcept { return state_.steps; }
  constexpr void guard_updates(bool on) noexcept {
    if constexpr (G == guard::on) guard_.enabled = on;
  }

  /// Checks, clips and applies `grads` (the step's loss `l`), then calls
  /// commit(). Refuses — calls refuse(), then throws divergence_error with
  /// `who` in the message — when the loss or a gradient is not finite
  /// (nothing changed) or, with guard::on, when an updated parameter is
  /// not (parameters and optimizer state restored).
  template <class Commit, class Refuse>
  constexpr void apply(Net& net, float* grads, float l, const char* who, Commit&& commit, Refuse&& refuse) {
    // Divergence guard, part 1: nothing changes if the loss or a gradient is
    // not finite (a diverging run, or NaN/Inf in the inputs).
    if (!(l - l == 0.0f) || !all_finite(grads, storage)) {
      refuse();
      throw divergence_error(std::string(who) + ": the loss or a gradient is NaN or infinite at step " +
                             std::to_string(state_.steps) +
                             "; nothing was changed (lower the learning rate, set max_grad_norm, or check the "
                             "inputs for NaN/Inf)");
    }
    clip_gradients(grads);
    if constexpr (G == guard::on) {
      if (guard_.enabled) {
        // Part 2: an update that overflows is undone from this snapshot.
        guard_.state_backup = state_;
        copy_parameters(net, guard_.parameters_backup.data(), true);
        update(net, grads);
        if (!parameters_finite(net)) {
          copy_parameters(net, guard_.parameters_backup.data(), false);
          state_ = guard_.state_backup;
          refuse();
          throw divergence_error(std::string(who) + ": the update at step " + std::to_string(state_.steps) +
                                 " made a parameter infinite; the parameters were restored (lower the learning rate)");
        }
        commit();
        ++state_.steps;
        return;
      }
    }
    update(net, grads);
    commit();
    ++state_.steps;
  }

 private:
  /// f(p, n, offset) for each parameter block of layer I; offset into the
  /// gradient/optimizer storage.
  template <std::size_t I, class F>
  static constexpr void for_each_block(layer_t<I>& layer, F&& f) {
    std::size_t off = offsets[I];
    layer.for_each_parameter_block([&](float* p, std::size_t n) {
      f(p, n, off);
      off += n;
    });
  }
  template <class F>
  static constexpr void for_each_block_of(Net& net, F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (for_each_block<I>(net.template layer<I>(), f), ...);
    }(std::make_index_sequence<layer_count>{});
  }
  /// Copies every parameter block to (save) or from (!save) `buf`.
  constexpr void copy_parameters(Net& net, float* buf, bool save) {
    for_each_block_of(net, [&](float* p, std::size_t n, std::size_t off) {
      if (save) {
        std::copy(p, p + n, buf + off);
      } else {
        std::copy(buf + off, buf + off + n, p);
      }
    });
  }
  /// backend::all_finite, split over the active pool for large arrays.
  static constexpr bool all_finite(const float* p, std::size_t n) {
    if (std::is_constant_evaluated()) return backend::all_finite(p, n);
    bool ok[thread_pool::max_threads];
    for (bool& o : ok) o = true;
    detail::split_vectors(n, pad_floats, std::size_t{1} << 16, [&](unsigned t, std::size_t i, std::size_t len) {
      ok[t] = backend::all_finite(p + i, len);
    });
    for (bool o : ok)
      if (!o) return false;
    return true;
  }
  constexpr bool parameters_finite(Net& net) const {
    bool ok = true;
    for_each_block_of(net, [&](float* p, std::size_t n, std::size_t) { ok = ok && backend::all_finite(p, n); });
    return ok;
  }

  constexpr void clip_gradients(float* grads) {
    if (!(opt_.max_grad_norm > 0.0f)) return;
    double sq = 0;
    for (std::size_t i = 0; i < storage; ++i) sq += static_cast<double>(grads[i]) * grads[i];
    const double norm = detail::sqrt(sq);
    const double coef = opt_.max_grad_norm / (norm + 1e-6);  // torch.nn.utils.clip_grad_norm_
    if (coef < 1.0) {
      const float c = static_cast<float>(coef);
      for (std::size_t i = 0; i < storage; ++i) grads[i] *= c;
    }
  }

  constexpr void update(Net& net, const float* grads) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (update_layer<I>(net.template layer<I>(), grads), ...);
    }(std::make_index_sequence<layer_count>{});
  }
  template <std::size_t I>
  constexpr void update_layer(layer_t<I>& layer, const float* grads) {
    using Lt = layer_t<I>;
    if (std::is_constant_evaluated()) {
      // Skip the zero padding: compile-time evaluation counts every operation.
      for_each_block<I>(layer, [&](float* p, std::size_t n, std::size_t off) {
        const std::size_t base = off - offsets[I];
        for (std::size_t k = 0; k < Lt::parameter_count; ++k) {
          const std::size_t at = Lt::storage_index(k);
          if (at < base || at >= base + n) continue;  // in another block
          opt_.update(p + (at - base), grads + off + (at - base), 1, state_, off + (at - base));
        }
      });
      return;
    }
    for_each_block<I>(layer, [&](float* p, std::size_t n, std::size_t off) {
      // The optimizer's own kernel, or its scalar update; elementwise, so a
      // large block is split over the active pool by parameter ranges
      // (whole vectors of pad_floats) without changing any result.
      auto part = [&](std::size_t a, std::size_t len) {
        if constexpr (requires { opt_.template update_block<Target>(p, grads + off, n, state_, off); }) {
          opt_.template update_block<Target>(p + a, grads + off + a, len, state_, off + a);
        } else {
          opt_.update(p + a, grads + off + a, len, state_, off + a);
        }
      };
      detail::split_vectors(n, pad_floats, std::size_t{1} << 14,
                            [&](unsigned, std::size_t a, std::size_t len) { part(a, len); });
    });
  }

  opt_state state_{};
  Opt opt_{};
  [[no_unique_address]] detail::update_guard<G, opt_state, storage> guard_{};
};
}  // namespace detail

/// Minibatch trainer: forward, loss, backward (a ctnn::backprop) and an
/// optimizer update, for `Batch` samples at a time.
///
/// Template parameters: the network type, a Loss (mse, binary_cross_entropy,
/// cross_entropy, or a user's ctnn::Loss), a ctnn::Optimizer (sgd, adam,
/// adamw, rmsprop, or a user's), the compile-time batch size, and the
/// divergence guard (guard::off or guard::on, see step()). Inputs are
/// Batch·input_size floats, row-major. Targets are Batch·output_size floats,
/// or, for cross_entropy, Batch class indices. The trainer owns everything a
/// step needs — activation caches, gradients, optimizer state, scratch, and
/// with guard::on a snapshot — as fixed-size arrays inside the object: a step
/// never allocates and puts no large buffers on the stack. Put big trainers
/// in static storage or memory you allocate: 784-256-128-10 with Adam at
/// Batch 64 is 4.4 MB (guard::on: 7.3 MB). Every kernel call has a constexpr
/// scalar twin, so a small network can be trained inside a constant
/// expression. Any layer that follows the layer protocol
/// (ctnn/layers/layer.hpp) trains. Networks with state (GRU, LSTM, Conv1D)
/// train through time with ctnn::sequence_trainer.
/// Example: tests/trainer.test.cpp, examples/xor.cpp, examples/fashion_mnist_residual.cpp
template <class Net, class L, class Opt, std::size_t Batch, guard G = guard::off,
          class Target = detail::static_target>
class trainer {
  static_assert(Optimizer<Opt>, "ctnn::trainer<Net, L, Opt, ...>: Opt must satisfy ctnn::Optimizer "
                                "(ctnn/optimizers/optimizer.hpp)");
  using bp_type = backprop<Net, L, Batch, Target>;
  using update_type = detail::optimizer_step<Net, Opt, G, Target>;
  static_assert(update_type::storage == bp_type::storage_size);

 public:
  static constexpr std::size_t batch_size = Batch;
  using network_type = Net;
  using optimizer_type = Opt;
  using input_batch = typename bp_type::input_batch;
  using target_batch = typename bp_type::target_batch;
  using label_batch = typename bp_type::label_batch;

  constexpr trainer() = default;
  constexpr explicit trainer(const Opt& opt) : update_(opt) {}

  /// Hyper-parameters; change them between steps (e.g. a learning-rate schedule).
  constexpr Opt& optimizer() noexcept { return update_.optimizer(); }
  constexpr const Opt& optimizer() const noexcept { return update_.optimizer(); }
  /// Number of optimizer steps taken.
  constexpr std::size_t steps() const noexcept { return update_.steps(); }

  /// Divergence policy. step() always refuses — throws divergence_error
  /// before changing anything — when the loss or a gradient is NaN/Inf. An
  /// update that itself overflows (|lr·update| beyond FLT_MAX: only absurd
  /// learning rates) is caught by the next step; a trainer<..., guard::on>
  /// also checks the updated parameters and restores parameters and
  /// optimizer state at once, at the cost of a snapshot of both (memory, and
  /// a copy every step). guard_updates(false) switches that check off.
  constexpr void guard_updates(bool on) noexcept {
    static_assert(G == guard::on, "ctnn::trainer::guard_updates: the update guard is chosen at compile time; "
                                  "use ctnn::trainer<Net, Loss, Opt, Batch, ctnn::guard::on>");
    update_.guard_updates(on);
  }

  /// Splits the work of every following step() over `pool` (its GEMMs by
  /// output columns, the update by parameter ranges): the same results, bit
  /// for bit, as with one thread, and no allocation. The pool must outlive
  /// the steps; use_threads(nullptr) goes back to the calling thread alone.
  void use_threads(thread_pool* pool) noexcept { pool_ = pool; }
  void use_threads(thread_pool& pool) noexcept { pool_ = &pool; }

  /// One training step: forward, loss, backward, update. Returns the mean loss
  /// of the batch (before the update).
  constexpr float step(Net& net, input_batch x, target_batch y) { return step_dispatch(net, x, y); }
  /// cross_entropy only: targets as class indices.
  constexpr float step(Net& net, input_batch x, label_batch y) { return step_dispatch(net, x, y); }

  /// Mean loss of the batch and d(loss)/d(parameters) in interchange order
  /// (see ctnn::backprop, which needs no optimizer). Does not change the network.
  constexpr float gradient(const Net& net, input_batch x, target_batch y, std::span<float, Net::parameter_count> g) {
    return bp_.gradient(net, x, y, g);
  }
  constexpr float gradient(const Net& net, input_batch x, label_batch y, std::span<float, Net::parameter_count> g) {
    return bp_.gradient(net, x, y, g);
  }

  /// Mean loss of the batch, forward pass only, training mode (batch
  /// statistics, dropout masks; ctnn::evaluate gives the evaluation mode).
  constexpr float loss(const Net& net, input_batch x, target_batch y) { return bp_.loss(net, x, y); }
  constexpr float loss(const Net& net, input_batch x, label_batch y) { return bp_.loss(net, x, y); }

 private:
  template <class Targets>
  constexpr float step_dispatch(Net& net, input_batch x, Targets y) {
    if (!std::is_constant_evaluated() && pool_ != nullptr) return step_threads(net, x, y);
    return step_impl(net, x, y);
  }
  template <class Targets>
  float step_threads(Net& net, input_batch x, Targets y) {
    const detail::parallel_scope scope(pool_);
    return step_impl(net, x, y);
  }
  template <class Targets>
  constexpr float step_impl(Net& net, input_batch x, Targets y) {
    const float l = bp_.forward_backward(net, x, y);
    update_.apply(
        net, bp_.gradients(), l, "ctnn::trainer::step", [&] { bp_.commit(net); }, [] {});
    return l;
  }

  bp_type bp_{};
  update_type update_{};
  thread_pool* pool_ = nullptr;
};

}  // namespace ctnn
