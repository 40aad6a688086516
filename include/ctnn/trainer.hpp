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
#include "ctnn/kernels/gemm-inl.hpp"
#include "ctnn/kernels/optimizer-inl.hpp"
#include "ctnn/kernels/reference.hpp"
#include "ctnn/kernels/static.hpp"
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

namespace detail {
/// Each kernel behind one constexpr function: the scalar reference in a
/// constant expression, the static target's Highway kernel otherwise. The
/// Target tag keeps TUs with different -march flags ODR-distinct.
template <class Target>
struct backend {
  static constexpr void gemm(std::size_t R, std::size_t K, std::size_t W, const float* A, std::size_t a_rs,
                             std::size_t a_ks, const float* M, std::size_t ldm, const float* bias, float* C,
                             std::size_t ldc, bool accumulate) {
    if (std::is_constant_evaluated()) {
      reference::gemm(R, K, W, A, a_rs, a_ks, M, ldm, bias, C, ldc, accumulate);
    } else {
      HWY_STATIC_DISPATCH(Gemm)(R, K, W, A, a_rs, a_ks, M, ldm, bias, C, ldc, accumulate);
    }
  }
  template <class Act>
  static constexpr void activation_backward(const float* a, const float* da, float* dz, std::size_t n) {
    if (std::is_constant_evaluated()) {
      reference::activation_backward<Act>(a, da, dz, n);
    } else {
      HWY_STATIC_DISPATCH(ActivationBackward<Act>)(a, da, dz, n);
    }
  }
  static constexpr bool all_finite(const float* p, std::size_t n) {
    if (std::is_constant_evaluated()) return reference::all_finite(p, n);
    return HWY_STATIC_DISPATCH(AllFinite)(p, n);
  }
  static constexpr void column_sums(std::size_t R, std::size_t W, const float* X, std::size_t ld, float* out) {
    if (std::is_constant_evaluated()) {
      reference::column_sums(R, W, X, ld, out);
    } else {
      HWY_STATIC_DISPATCH(ColumnSums)(R, W, X, ld, out);
    }
  }
  /// Activation of `rows` rows of width Out (stride Padded), in place;
  /// padding lanes are set to 0.
  template <class Act, std::size_t Out, std::size_t Padded>
  static constexpr void activate_rows(float* p, std::size_t rows) {
    if constexpr (Act::elementwise) {
      if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < rows * Padded; ++i) p[i] = Act::apply(p[i]);
      } else {
        HWY_STATIC_DISPATCH(ActivateInPlace<Act>)(p, rows * Padded);
      }
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = Out; c < Padded; ++c) p[r * Padded + c] = 0.0f;
    } else {
      for (std::size_t r = 0; r < rows; ++r) {
        if (std::is_constant_evaluated()) {
          Act::apply(p + r * Padded, Out);
          for (std::size_t c = Out; c < Padded; ++c) p[r * Padded + c] = 0.0f;
        } else {
          HWY_STATIC_DISPATCH(WholeLayerInPlace)<Act, Out, Padded>(p + r * Padded);
        }
      }
    }
  }
};

}  // namespace detail

/// Minibatch trainer: forward, loss, backward (chain rule through every
/// layer) and an optimizer update, for `Batch` samples at a time.
///
/// Template parameters: the network type, a Loss (mse, binary_cross_entropy,
/// cross_entropy), an optimizer (sgd, adam, adamw) and the compile-time batch
/// size. Inputs are Batch·input_size floats, row-major (sample after sample).
/// Targets are Batch·output_size floats, or, for cross_entropy, Batch class
/// indices. No heap allocation, no large stack buffers.
/// Example: tests/trainer.test.cpp, examples/xor.cpp
template <class Net, class L, class Optimizer, std::size_t Batch, class Target = detail::static_target>
class trainer {
  static_assert(detail::loss_check<L>::value, "ctnn::trainer<Net, L, ...>: L must satisfy ctnn::Loss");
  static_assert(Batch >= 1, "ctnn::trainer: Batch must be at least 1");
  static constexpr std::size_t layer_count = Net::layer_count;
  template <std::size_t I>
  using layer_t = typename Net::template layer_type<I>;
  using last_layer = layer_t<layer_count - 1>;
  static_assert(L::template accepts_output<typename last_layer::activation>,
                "ctnn::trainer: the loss does not fit the output activation (cross_entropy needs a softmax "
                "output layer, binary_cross_entropy a sigmoid one)");
  using backend = detail::backend<Target>;
  template <std::size_t... I>
  static constexpr bool no_input_backward(std::index_sequence<I...>) {
    return (!detail::backward_from_input<typename layer_t<I>::activation> && ...);
  }
  static_assert(no_input_backward(std::make_index_sequence<layer_count>{}),
                "ctnn::trainer: silu/gelu/gelu_tanh layers are not trainable yet (their backward needs z)");

  struct geometry {
    std::array<std::size_t, layer_count + 1> act_width{};   // padded width of activation slot I
    std::array<std::size_t, layer_count + 2> act_offset{};  // slot I starts here (slot 0 = input)
    std::array<std::size_t, layer_count + 1> param_offset{};
    std::size_t scratch = 16;
  };
  template <std::size_t... I>
  static constexpr geometry make_geometry(std::index_sequence<I...>) {
    geometry g;
    const std::array<std::size_t, layer_count + 1> widths{padded(Net::input_size), layer_t<I>::out_padded...};
    const std::array<std::size_t, layer_count> storage{(layer_t<I>::weight_storage + layer_t<I>::out_padded)...};
    // Scratch: a transposed copy of W — [In][Out_pad] for the forward pass of
    // dot layers, [Out][In_pad] for the input gradient of broadcast layers.
    const std::array<std::size_t, layer_count> scratch{
        (layer_t<I>::weight_layout == layout::dot ? layer_t<I>::in_extent * layer_t<I>::out_padded
                                                  : (I == 0 ? 0 : layer_t<I>::out_extent * layer_t<I>::in_padded))...};
    for (std::size_t i = 0; i <= layer_count; ++i) {
      g.act_width[i] = widths[i];
      g.act_offset[i + 1] = g.act_offset[i] + Batch * widths[i];
    }
    for (std::size_t i = 0; i < layer_count; ++i) {
      g.param_offset[i + 1] = g.param_offset[i] + storage[i];
      g.scratch = scratch[i] > g.scratch ? scratch[i] : g.scratch;
    }
    return g;
  }
  static constexpr geometry geo = make_geometry(std::make_index_sequence<layer_count>{});
  static constexpr std::size_t act_total = geo.act_offset[layer_count + 1];
  static constexpr std::size_t storage_total = geo.param_offset[layer_count];
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
    ++state_.steps;
    return l;
  }

  /// Copies every parameter block to (save) or from (!save) `buf`, in the
  /// internal storage order.
  template <std::size_t... I>
  constexpr void copy_parameters(Net& net, float* buf, bool save, std::index_sequence<I...>) {
    (copy_layer<I>(net.template layer<I>(), buf + geo.param_offset[I], save), ...);
  }
  template <std::size_t I>
  static constexpr void copy_layer(layer_t<I>& layer, float* buf, bool save) {
    using Lt = layer_t<I>;
    float* w = layer.weight_data();
    float* b = layer.bias_data();
    if (save) {
      std::copy(w, w + Lt::weight_storage, buf);
      std::copy(b, b + Lt::out_padded, buf + Lt::weight_storage);
    } else {
      std::copy(buf, buf + Lt::weight_storage, w);
      std::copy(buf + Lt::weight_storage, buf + Lt::weight_storage + Lt::out_padded, b);
    }
  }
  template <std::size_t... I>
  constexpr bool parameters_finite(const Net& net, std::index_sequence<I...>) const {
    return ((backend::all_finite(net.template layer<I>().weight_data(), layer_t<I>::weight_storage) &&
             backend::all_finite(net.template layer<I>().bias_data(), layer_t<I>::out_padded)) &&
            ...);
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
    forward(net, x, std::make_index_sequence<layer_count>{});
    return compute_loss(y);
  }

  template <class Targets>
  constexpr float forward_backward(const Net& net, input_batch x, Targets y) {
    forward(net, x, std::make_index_sequence<layer_count>{});
    const float l = compute_loss(y);
    // Output layer: the loss wrote dZ (fused) or dA into grad_z_.
    if constexpr (!L::fused) dz_from_da<layer_count - 1>();
    backward(net, std::make_index_sequence<layer_count>{});
    return l;
  }

  template <class Targets>
  constexpr float compute_loss(Targets y) {
    check_targets<Targets>();
    const float* a = acts_.data() + geo.act_offset[layer_count];
    const double scale = L::scale(Batch, Net::output_size);
    double total = 0;
    for (std::size_t b = 0; b < Batch; ++b) {
      float* g = grad_z_.data() + b * out_padded;
      if constexpr (std::is_same_v<Targets, label_batch>) {
        if (y[b] >= Net::output_size) throw std::out_of_range("ctnn::trainer: class label >= output_size");
        if constexpr (detail::loss_takes_labels<L>)
          total += L::sample(logits_.data() + b * out_padded, a + b * out_padded, Net::output_size, y[b], g, scale);
      } else {
        if constexpr (detail::loss_takes_targets<L>)
          total += L::sample(logits_.data() + b * out_padded, a + b * out_padded, Net::output_size,
                             y.data() + b * Net::output_size, g, scale);
      }
      for (std::size_t c = Net::output_size; c < out_padded; ++c) g[c] = 0.0f;
    }
    return static_cast<float>(total * scale);
  }

  // ---------------------------------------------------------------- forward
  template <std::size_t... I>
  constexpr void forward(const Net& net, input_batch x, std::index_sequence<I...>) {
    constexpr std::size_t in = Net::input_size, ld = padded(in);
    for (std::size_t b = 0; b < Batch; ++b) {
      for (std::size_t i = 0; i < in; ++i) acts_[b * ld + i] = x[b * in + i];
      for (std::size_t i = in; i < ld; ++i) acts_[b * ld + i] = 0.0f;
    }
    (forward_layer<I>(net.template layer<I>()), ...);
  }

  template <std::size_t I>
  constexpr void forward_layer(const layer_t<I>& layer) {
    using Lt = layer_t<I>;
    constexpr std::size_t In = Lt::in_extent, Outp = Lt::out_padded;
    const float* X = acts_.data() + geo.act_offset[I];
    constexpr std::size_t ldx = geo.act_width[I];
    float* Z = acts_.data() + geo.act_offset[I + 1];
    if constexpr (Lt::weight_layout == layout::broadcast) {
      // One GEMM per column panel of the blocked weight layout.
      for (std::size_t ob = 0; ob < Outp; ob += Lt::block_width) {
        const std::size_t wb = Outp - ob < Lt::block_width ? Outp - ob : Lt::block_width;
        backend::gemm(Batch, In, wb, X, ldx, 1, layer.weight_data() + ob * In, wb, layer.bias_data() + ob, Z + ob,
                      Outp, false);
      }
    } else {
      // Narrow layer: transpose W[Out][In_pad] into scratch Wt[In][Out_pad].
      for (std::size_t i = 0; i < In; ++i)
        for (std::size_t o = 0; o < Outp; ++o) scratch_[i * Outp + o] = o < Lt::out_extent ? layer.weight(o, i) : 0.0f;
      backend::gemm(Batch, In, Outp, X, ldx, 1, scratch_.data(), Outp, layer.bias_data(), Z, Outp, false);
    }
    if constexpr (I + 1 == layer_count) {
      for (std::size_t k = 0; k < Batch * Outp; ++k) logits_[k] = Z[k];
    }
    backend::template activate_rows<typename Lt::activation, Lt::out_extent, Outp>(Z, Batch);
  }

  // --------------------------------------------------------------- backward
  /// grad_z_ holds dA of layer I's output; turn it into dZ (in place via grad_a_).
  template <std::size_t I>
  constexpr void dz_from_da() {
    using Lt = layer_t<I>;
    using Act = typename Lt::activation;
    constexpr std::size_t Outp = Lt::out_padded;
    const float* A = acts_.data() + geo.act_offset[I + 1];
    for (std::size_t k = 0; k < Batch * Outp; ++k) grad_a_[k] = grad_z_[k];
    if constexpr (Act::elementwise) {
      backend::template activation_backward<Act>(A, grad_a_.data(), grad_z_.data(), Batch * Outp);
    } else {
      for (std::size_t b = 0; b < Batch; ++b)
        Act::backward(A + b * Outp, grad_a_.data() + b * Outp, grad_z_.data() + b * Outp, Lt::out_extent);
    }
  }

  template <std::size_t... I>
  constexpr void backward(const Net& net, std::index_sequence<I...>) {
    // Layers in reverse: layer_count-1, ..., 0.
    (backward_layer<layer_count - 1 - I>(net.template layer<layer_count - 1 - I>()), ...);
  }

  template <std::size_t I>
  constexpr void backward_layer(const layer_t<I>& layer) {
    using Lt = layer_t<I>;
    constexpr std::size_t In = Lt::in_extent, Out = Lt::out_extent, Inp = Lt::in_padded, Outp = Lt::out_padded;
    const float* X = acts_.data() + geo.act_offset[I];
    static_assert(geo.act_width[I] == Inp);
    const float* dZ = grad_z_.data();
    float* gw = grads_.data() + geo.param_offset[I];
    float* gb = gw + Lt::weight_storage;
    // dW = dZᵀ·X in the layer's own layout; db = column sums of dZ.
    if constexpr (Lt::weight_layout == layout::broadcast) {
      for (std::size_t ob = 0; ob < Outp; ob += Lt::block_width) {
        const std::size_t wb = Outp - ob < Lt::block_width ? Outp - ob : Lt::block_width;
        backend::gemm(In, Batch, wb, X, 1, Inp, dZ + ob, Outp, nullptr, gw + ob * In, wb, false);
      }
    } else {
      backend::gemm(Out, Batch, Inp, dZ, 1, Outp, X, Inp, nullptr, gw, Inp, false);
    }
    backend::column_sums(Batch, Outp, dZ, Outp, gb);
    if constexpr (I > 0) {
      // dX = dZ·W into grad_a_, then dZ of the previous layer into grad_z_.
      if constexpr (Lt::weight_layout == layout::broadcast) {
        for (std::size_t o = 0; o < Out; ++o)
          for (std::size_t i = 0; i < Inp; ++i) scratch_[o * Inp + i] = i < In ? layer.weight(o, i) : 0.0f;
        backend::gemm(Batch, Out, Inp, dZ, Outp, 1, scratch_.data(), Inp, nullptr, grad_a_.data(), Inp, false);
      } else {
        backend::gemm(Batch, Out, Inp, dZ, Outp, 1, layer.weight_data(), Inp, nullptr, grad_a_.data(), Inp, false);
      }
      using Prev = layer_t<I - 1>;
      using Act = typename Prev::activation;
      const float* A = acts_.data() + geo.act_offset[I];
      if constexpr (Act::elementwise) {
        backend::template activation_backward<Act>(A, grad_a_.data(), grad_z_.data(), Batch * Inp);
      } else {
        for (std::size_t b = 0; b < Batch; ++b) {
          Act::backward(A + b * Inp, grad_a_.data() + b * Inp, grad_z_.data() + b * Inp, Prev::out_extent);
          for (std::size_t c = Prev::out_extent; c < Inp; ++c) grad_z_[b * Inp + c] = 0.0f;
        }
      }
    }
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
    const std::size_t off = geo.param_offset[I];
    if (std::is_constant_evaluated()) {
      // Skip the zero padding: compile-time evaluation counts every operation.
      for (std::size_t o = 0; o < Lt::out_extent; ++o) {
        for (std::size_t i = 0; i < Lt::in_extent; ++i) {
          const std::size_t w = Lt::weight_index(o, i);
          opt_.update(layer.weight_data() + w, grads_.data() + off + w, 1, state_, off + w);
        }
      }
      opt_.update(layer.bias_data(), grads_.data() + off + Lt::weight_storage, Lt::out_extent, state_,
                  off + Lt::weight_storage);
      return;
    }
    update_block(layer.weight_data(), off, Lt::weight_storage);
    update_block(layer.bias_data(), off + Lt::weight_storage, Lt::out_padded);
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
    const float* gw = grads_.data() + geo.param_offset[I];
    for (std::size_t o = 0; o < Lt::out_extent; ++o)
      for (std::size_t i = 0; i < Lt::in_extent; ++i) out[k++] = gw[Lt::weight_index(o, i)];
    for (std::size_t o = 0; o < Lt::out_extent; ++o) out[k++] = gw[Lt::weight_storage + o];
  }

  alignas(alignment) std::array<float, act_total> acts_{};
  alignas(alignment) std::array<float, Batch * out_padded> logits_{};
  alignas(alignment) std::array<float, Batch * Net::max_padded> grad_z_{};
  alignas(alignment) std::array<float, Batch * Net::max_padded> grad_a_{};
  alignas(alignment) std::array<float, storage_total> grads_{};
  alignas(alignment) std::array<float, geo.scratch> scratch_{};
  typename Optimizer::template state<storage_total> state_{};
  typename Optimizer::template state<storage_total> backup_{};  // state before the current update
  alignas(alignment) std::array<float, storage_total> backup_parameters_{};
  Optimizer opt_{};
  bool guard_updates_ = false;
};

}  // namespace ctnn
