// SPDX-License-Identifier: Apache-2.0
// ctnn/trainer.hpp — ctnn::trainer<Net, Loss, Optimizer, Batch>: minibatch
// training by backpropagation. The trainer owns everything a step needs —
// activation caches for Batch samples, gradients, optimizer moments, scratch
// — as fixed-size arrays inside the object, so a step never allocates and
// puts no large buffers on the stack. Put big trainers in static storage or
// memory you allocate (the 784-256-128-10 net with Adam at Batch 64 is ~5 MB).
// Every kernel call has a constexpr scalar twin, so a small network can be
// trained inside a constant expression.
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
#include "ctnn/kernels/optimizer-inl.hpp"
#include "ctnn/kernels/static.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/losses.hpp"
#include "ctnn/optimizers.hpp"

namespace ctnn {

/// Thrown by trainer::step when the loss, a gradient or an updated parameter
/// is NaN or infinite. The network and the optimizer state are left as they
/// were before the step (the last good parameters).
class divergence_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};


/// Minibatch trainer: forward, loss, backward (chain rule through every
/// layer) and an optimizer update, for `Batch` samples at a time.
///
/// Template parameters: the network type, a Loss (mse, binary_cross_entropy,
/// cross_entropy), an optimizer (sgd, adam, adamw) and the compile-time batch
/// size. Inputs are Batch·input_size floats, row-major (sample after sample).
/// Targets are Batch·output_size floats, or, for cross_entropy, Batch class
/// indices. No heap allocation, no large stack buffers. Any layer that
/// follows the layer protocol (ctnn/layers/layer.hpp) trains: dense,
/// batch_norm (its running statistics move once a step is accepted),
/// residual blocks, dropout, user-defined layers.
/// Example: tests/trainer.test.cpp, examples/xor.cpp, examples/fashion_mnist_residual.cpp
template <class Net, class L, class Optimizer, std::size_t Batch, class Target = detail::static_target>
class trainer {
  static_assert(detail::loss_check<L>::value, "ctnn::trainer<Net, L, ...>: L must satisfy ctnn::Loss");
  static_assert(Batch >= 1, "ctnn::trainer: Batch must be at least 1");
  static constexpr std::size_t layer_count = Net::layer_count;
  template <std::size_t I>
  using layer_t = typename Net::template layer_type<I>;
  using last_layer = layer_t<layer_count - 1>;
  static_assert(L::template accepts_output<detail::output_activation<last_layer>>,
                "ctnn::trainer: the loss does not fit the output activation (cross_entropy needs a softmax "
                "output layer, binary_cross_entropy a sigmoid one)");
  using backend = detail::backend<Target>;
  using chain = detail::train_chain<Net, Batch>;
  static constexpr std::size_t storage_total = chain::storage;
  static constexpr std::size_t in_padded = padded(Net::input_size);
  static constexpr std::size_t out_padded = last_layer::out_padded;

 public:
  static constexpr std::size_t batch_size = Batch;
  using network_type = Net;
  using optimizer_type = Optimizer;
  using input_batch = std::span<const float, Batch * Net::input_size>;
  using target_batch = std::span<const float, Batch * Net::output_size>;
  using label_batch = std::span<const std::uint32_t, Batch>;

  constexpr trainer() = default;
  constexpr explicit trainer(const Optimizer& opt) : opt_(opt) {}

  /// Hyper-parameters; change them between steps (e.g. a learning-rate schedule).
  constexpr Optimizer& optimizer() noexcept { return opt_; }
  constexpr const Optimizer& optimizer() const noexcept { return opt_; }
  /// Number of optimizer steps taken.
  constexpr std::size_t steps() const noexcept { return state_.steps; }

  /// Divergence policy. step() always refuses — throws divergence_error
  /// before changing anything — when the loss or a gradient is NaN/Inf. An
  /// update that itself overflows (|lr·update| beyond FLT_MAX: only absurd
  /// learning rates) is caught by the next step; with guard_updates(true)
  /// step() also checks the updated parameters and restores parameters and
  /// optimizer state at once, at the cost of copying both every step.
  constexpr void guard_updates(bool on) noexcept { guard_updates_ = on; }

  /// One training step: forward, loss, backward, update. Returns the mean loss
  /// of the batch (before the update).
  constexpr float step(Net& net, input_batch x, target_batch y) { return step_impl(net, x, y); }
  /// cross_entropy only: targets as class indices.
  constexpr float step(Net& net, input_batch x, label_batch y) { return step_impl(net, x, y); }

  /// Mean loss of the batch and d(loss)/d(parameters) in interchange order
  /// (the order of get_parameters). Does not change the network.
  constexpr float gradient(const Net& net, input_batch x, target_batch y, std::span<float, Net::parameter_count> g) {
    return gradient_impl(net, x, y, g);
  }
  constexpr float gradient(const Net& net, input_batch x, label_batch y, std::span<float, Net::parameter_count> g) {
    return gradient_impl(net, x, y, g);
  }

  /// Mean loss of the batch, forward pass only.
  constexpr float loss(const Net& net, input_batch x, target_batch y) { return loss_impl(net, x, y); }
  constexpr float loss(const Net& net, input_batch x, label_batch y) { return loss_impl(net, x, y); }

 private:
  template <class Targets>
  static constexpr void check_targets() {
    static_assert(!std::is_same_v<Targets, label_batch> || detail::loss_takes_labels<L>,
                  "ctnn::trainer: class-label targets need a loss with a class-label sample() (cross_entropy); pass "
                  "std::span<const float, Batch * output_size> targets");
    static_assert(!std::is_same_v<Targets, target_batch> || detail::loss_takes_targets<L>,
                  "ctnn::trainer: this loss takes class labels only; pass std::span<const std::uint32_t, Batch> targets");
  }

  template <class Targets>
  constexpr float step_impl(Net& net, input_batch x, Targets y) {
    const float l = forward_backward(net, x, y);
    // Divergence guard, part 1: nothing changes if the loss or a gradient is
    // not finite (a diverging run, or NaN/Inf in the inputs).
    if (!(l - l == 0.0f) || !backend::all_finite(grads_.data(), storage_total))
      throw divergence_error("ctnn::trainer::step: the loss or a gradient is NaN or infinite at step " +
                             std::to_string(state_.steps) +
                             "; nothing was changed (lower the learning rate, set max_grad_norm, or check the "
                             "inputs for NaN/Inf)");
    clip_gradients();
    if (!guard_updates_) {
      update(net, std::make_index_sequence<layer_count>{});
      chain_.commit(net);
      ++state_.steps;
      return l;
    }
    // Part 2 (opt-in, costs a copy of parameters and optimizer state per
    // step): an update that overflows is undone from this snapshot.
    backup_ = state_;
    copy_parameters(net, backup_parameters_.data(), true, std::make_index_sequence<layer_count>{});
    update(net, std::make_index_sequence<layer_count>{});
    if (!parameters_finite(net, std::make_index_sequence<layer_count>{})) {
      copy_parameters(net, backup_parameters_.data(), false, std::make_index_sequence<layer_count>{});
      state_ = backup_;
      throw divergence_error("ctnn::trainer::step: the update at step " + std::to_string(state_.steps) +
                             " made a parameter infinite; the parameters were restored (lower the learning rate)");
    }
    chain_.commit(net);
    ++state_.steps;
    return l;
  }

  /// Copies every parameter block to (save) or from (!save) `buf`, in the
  /// internal storage order.
  template <std::size_t... I>
  constexpr void copy_parameters(Net& net, float* buf, bool save, std::index_sequence<I...>) {
    (for_each_block<I>(net.template layer<I>(), [&](float* p, std::size_t n, std::size_t off) {
       if (save) {
         std::copy(p, p + n, buf + off);
       } else {
         std::copy(buf + off, buf + off + n, p);
       }
     }),
     ...);
  }
  template <std::size_t... I>
  constexpr bool parameters_finite(Net& net, std::index_sequence<I...>) const {
    bool ok = true;
    (for_each_block<I>(net.template layer<I>(),
                       [&](float* p, std::size_t n, std::size_t) { ok = ok && backend::all_finite(p, n); }),
     ...);
    return ok;
  }
  /// f(p, n, offset) for each parameter block of layer I; offset into the
  /// trainer's gradient/optimizer storage.
  template <std::size_t I, class F>
  static constexpr void for_each_block(layer_t<I>& layer, F&& f) {
    std::size_t off = chain::template param_offset<I>;
    layer.for_each_parameter_block([&](float* p, std::size_t n) {
      f(p, n, off);
      off += n;
    });
  }
  template <class Targets>
  constexpr float gradient_impl(const Net& net, input_batch x, Targets y, std::span<float, Net::parameter_count> g) {
    const float l = forward_backward(net, x, y);
    std::size_t k = 0;
    export_gradients(g, k, std::make_index_sequence<layer_count>{});
    return l;
  }
  template <class Targets>
  constexpr float loss_impl(const Net& net, input_batch x, Targets y) {
    forward(net, x);
    return compute_loss(y);
  }

  template <class Targets>
  constexpr float forward_backward(const Net& net, input_batch x, Targets y) {
    forward(net, x);
    const float l = compute_loss(y);
    // The loss wrote dL/dz (fused) or dL/da of the output layer.
    chain_.template backward<backend>(net, x_.data(), nullptr, grads_.data(), scratch_.data(), L::fused);
    return l;
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

  // ----------------------------------------------------------------- update
  constexpr void clip_gradients() {
    if (!(opt_.max_grad_norm > 0.0f)) return;
    double sq = 0;
    for (float g : grads_) sq += static_cast<double>(g) * g;
    const double norm = detail::sqrt(sq);
    const double coef = opt_.max_grad_norm / (norm + 1e-6);  // torch.nn.utils.clip_grad_norm_
    if (coef < 1.0) {
      const float c = static_cast<float>(coef);
      for (float& g : grads_) g *= c;
    }
  }

  template <std::size_t... I>
  constexpr void update(Net& net, std::index_sequence<I...>) {
    (update_layer<I>(net.template layer<I>()), ...);
  }
  template <std::size_t I>
  constexpr void update_layer(layer_t<I>& layer) {
    using Lt = layer_t<I>;
    if (std::is_constant_evaluated()) {
      // Skip the zero padding: compile-time evaluation counts every operation.
      for_each_block<I>(layer, [&](float* p, std::size_t n, std::size_t off) {
        const std::size_t base = off - chain::template param_offset<I>;
        for (std::size_t k = 0; k < Lt::parameter_count; ++k) {
          const std::size_t at = Lt::storage_index(k);
          if (at < base || at >= base + n) continue;  // in another block
          opt_.update(p + (at - base), grads_.data() + off + (at - base), 1, state_, off + (at - base));
        }
      });
      return;
    }
    for_each_block<I>(layer, [&](float* p, std::size_t n, std::size_t off) { update_block(p, off, n); });
  }

  /// Run-time update of n parameters at `p` whose gradients and state start
  /// at `off`: the Highway kernel for the library's optimizers, the
  /// optimizer's own scalar update otherwise.
  void update_block(float* p, std::size_t off, std::size_t n) {
    const float* g = grads_.data() + off;
    if constexpr (std::is_same_v<Optimizer, sgd>) {
      HWY_STATIC_DISPATCH(SgdUpdate)(p, g, state_.velocity.data() + off, n, opt_.learning_rate, opt_.momentum,
                                     opt_.nesterov, opt_.weight_decay, state_.steps == 0);
    } else if constexpr (std::is_same_v<Optimizer, adam> || std::is_same_v<Optimizer, adamw>) {
      const auto sc = adam::adam_scalars(opt_, state_.steps + 1);
      const bool decoupled = std::is_same_v<Optimizer, adamw>;
      HWY_STATIC_DISPATCH(AdamUpdate)(p, g, state_.m.data() + off, state_.v.data() + off, n, opt_.learning_rate,
                                      opt_.beta1, opt_.beta2, opt_.epsilon, sc.step_size, sc.bias_correction2_sqrt,
                                      decoupled ? 0.0f : opt_.weight_decay, decoupled ? opt_.weight_decay : 0.0f);
    } else {
      opt_.update(p, g, n, state_, off);
    }
  }

  template <std::size_t... I>
  constexpr void export_gradients(std::span<float, Net::parameter_count> out, std::size_t& k,
                                  std::index_sequence<I...>) const {
    (export_layer<I>(out, k), ...);
  }
  template <std::size_t I>
  constexpr void export_layer(std::span<float, Net::parameter_count> out, std::size_t& k) const {
    using Lt = layer_t<I>;
    const float* g = grads_.data() + chain::template param_offset<I>;
    for (std::size_t j = 0; j < Lt::parameter_count; ++j) out[k++] = g[Lt::storage_index(j)];
  }

  alignas(alignment) std::array<float, Batch * in_padded> x_{};
  chain chain_{};
  alignas(alignment) std::array<float, storage_total> grads_{};
  alignas(alignment) std::array<float, chain::scratch_size> scratch_{};
  typename Optimizer::template state<storage_total> state_{};
  typename Optimizer::template state<storage_total> backup_{};  // state before the current update
  alignas(alignment) std::array<float, storage_total> backup_parameters_{};
  Optimizer opt_{};
  bool guard_updates_ = false;
};

}  // namespace ctnn
