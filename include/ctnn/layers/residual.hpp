// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/residual.hpp — ctnn::residual<Specs...>: a block of layers
// whose output is added to its input, y = x + body(x) (He et al.'s skip
// connection; in PyTorch, a module whose forward returns x + self.body(x)).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/detail/layer_list.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn {
namespace detail {
template <class Owner, std::size_t Batch, std::size_t Steps>
class train_chain;  // ctnn/detail/train_chain.hpp: needed only when a block is trained
}  // namespace detail

/// The concrete residual block on In features: its body is a layer list
/// (detail/layer_list.hpp; layer_count, layer_type<I>, layer<I>() as a
/// network). Parameters, buffers and state are the body's, in order.
/// Kernels: residual-inl.hpp.
template <std::size_t In, class... Specs>
class residual_layer {
  using build = detail::chain_specs<In, std::index_sequence_for<Specs...>, Specs...>;

 public:
  static_assert(build::checked);
  using body_type = typename build::list;
  static constexpr std::size_t layer_count = sizeof...(Specs);
  template <std::size_t I>
  using layer_type = typename body_type::template layer_type<I>;

 private:
  static constexpr auto all = std::index_sequence_for<Specs...>{};
  /// Per body layer: parameter and buffer counts, storage sizes, storage_index.
  struct table {
    std::array<std::size_t, layer_count> params, storage, buffers;
    std::array<std::size_t (*)(std::size_t), layer_count> index;
  };
  template <std::size_t... I>
  static constexpr table make_table(std::index_sequence<I...>) {
    return {{layer_type<I>::parameter_count...},
            {layer_type<I>::parameter_storage...},
            {detail::buffer_count<layer_type<I>>...},
            {&layer_type<I>::storage_index...}};
  }
  static constexpr table body = make_table(all);
  static constexpr std::size_t sum(const std::array<std::size_t, layer_count>& v) {
    std::size_t t = 0;
    for (std::size_t e : v) t += e;
    return t;
  }

 public:
  static constexpr std::size_t in_extent = In;
  static constexpr std::size_t out_extent = In;
  static constexpr std::size_t in_padded = padded(In);
  static constexpr std::size_t out_padded = padded(In);
  static constexpr bool reads_input_padding = true;
  static constexpr std::size_t max_padded = body_type::max_padded;
  /// Stateful if a body layer is; the state is the body's states.
  static constexpr bool is_stateful = body_type::is_stateful;
  using state = typename body_type::state_tuple;
  static constexpr std::size_t parameter_count = sum(body.params);
  static constexpr std::size_t parameter_storage = sum(body.storage);
  static constexpr std::size_t buffer_count = sum(body.buffers);

  /// Interchange index k → storage offset: the body's layers one after another.
  static constexpr std::size_t storage_index(std::size_t k) noexcept {
    std::size_t offset = 0;
    for (std::size_t i = 0; i < layer_count; ++i) {
      if (k < body.params[i]) return offset + body.index[i](k);
      k -= body.params[i];
      offset += body.storage[i];
    }
    return offset;  // k >= parameter_count: past the end
  }

  template <std::size_t I>
  constexpr auto& layer() noexcept {
    return body_.template layer<I>();
  }
  template <std::size_t I>
  constexpr const auto& layer() const noexcept {
    return body_.template layer<I>();
  }

  // ------------------------------------------------------------- names
  static std::string cpp_spec_name() {
    std::string s = "ctnn::residual<";
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((s += (I == 0 ? "" : ", ") + detail::spec_cpp_name<layer_type<I>>()), ...);
    }(all);
    return s + ">";
  }
  static std::string short_name() {
    std::string s = "res[";
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((s += (I == 0 ? "" : "-") + detail::short_layer_name<layer_type<I>>()), ...);
    }(all);
    return s + "]";
  }
  /// This header and every body layer's.
  template <class F>
  static void for_each_header(F&& f) {
    f(std::string_view("ctnn/layers/residual.hpp"));
    [&]<std::size_t... I>(std::index_sequence<I...>) { (detail::for_each_layer_header<layer_type<I>>(f), ...); }(all);
  }

  template <class F>
  constexpr void for_each_parameter(F&& f) {
    each([&](auto& l) { l.for_each_parameter(f); });
  }
  template <class F>
  constexpr void for_each_parameter(F&& f) const {
    each([&](const auto& l) { l.for_each_parameter(f); });
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) {
    each([&](auto& l) { l.for_each_parameter_block(f); });
  }
  template <class F>
  constexpr void for_each_parameter_block(F&& f) const {
    each([&](const auto& l) { l.for_each_parameter_block(f); });
  }
  template <class F>
  constexpr void for_each_buffer(F&& f) {
    each([&](auto& l) {
      if constexpr (requires { l.for_each_buffer(f); }) l.for_each_buffer(f);
    });
  }
  template <class F>
  constexpr void for_each_buffer(F&& f) const {
    each([&](const auto& l) {
      if constexpr (requires { l.for_each_buffer(f); }) l.for_each_buffer(f);
    });
  }
  /// ctnn::initialize: the body's layers in order.
  template <class Rng>
  constexpr void initialize(Rng& gen) noexcept {
    each([&](auto& l) {
      if constexpr (requires { l.initialize(gen); }) l.initialize(gen);
    });
  }

  /// One sample, scalar reference: y = x + body(x).
  constexpr void forward(const float* x, float* y) const
    requires(!is_stateful)
  {
    state none{};
    forward_impl(none, x, y);
  }
  /// One time step of a block with a stateful body.
  constexpr void forward(state& s, const float* x, float* y) const
    requires(is_stateful)
  {
    forward_impl(s, x, y);
  }

  // ------------------------------------------------------------- training
  template <std::size_t Batch>
  struct train_cache {
    detail::train_chain<residual_layer, Batch, 0> body;
  };
  template <std::size_t Batch>
  static constexpr std::size_t train_scratch = detail::train_chain<residual_layer, Batch, 0>::scratch_size;

  template <class Backend, std::size_t Batch>
  constexpr void train_forward(train_cache<Batch>& c, const float* X, float* Y, float* s) const {
    c.body.template forward<Backend>(*this, X, s);
    add_rows(X, c.body.output(), Y, Batch);
  }
  /// dL/dx = dL/dy + body'(x)ᵀ·dL/dy.
  template <class Backend, std::size_t Batch>
  constexpr void train_backward(train_cache<Batch>& c, const float* X, const float*, float* dY, float* dX, float* grad,
                                float* s) const {
    backward_body<Backend>(c.body, X, dY, dX, grad, s, Batch);
  }
  template <std::size_t Batch>
  constexpr void train_commit(train_cache<Batch>& c) {
    c.body.commit(*this);
  }
  /// A stateful body trains through time (ctnn::sequence_trainer): the
  /// body's chain over the window, its states those of the block.
  template <std::size_t Batch, std::size_t Steps>
  struct train_sequence_cache {
    detail::train_chain<residual_layer, Batch, Steps> body;
  };
  template <std::size_t Batch, std::size_t Steps>
  static constexpr std::size_t train_sequence_scratch = detail::train_chain<residual_layer, Batch, Steps>::scratch_size;

  template <class Backend, std::size_t Batch, std::size_t Steps, class States>
  constexpr void train_forward_sequence(train_sequence_cache<Batch, Steps>& c, States&& st, const float* X, float* Y,
                                        float* s) const {
    c.body.template forward<Backend>(*this, X, s, st);
    add_rows(X, c.body.output(), Y, Batch * Steps);
  }
  template <class Backend, std::size_t Batch, std::size_t Steps>
  constexpr void train_backward_sequence(train_sequence_cache<Batch, Steps>& c, const float* X, const float*,
                                         const float* dY, float* dX, float* grad, float* s) const {
    backward_body<Backend>(c.body, X, dY, dX, grad, s, Batch * Steps);
  }
  template <std::size_t Batch, std::size_t Steps>
  constexpr void train_commit(train_sequence_cache<Batch, Steps>& c) {
    c.body.commit(*this);
  }

 private:
  /// Y = X + out on the In live lanes of each row (Y's padding lanes are
  /// never written: zero, as the chain allocated them).
  static constexpr void add_rows(const float* X, const float* out, float* Y, std::size_t rows) {
    if constexpr (In == out_padded) {
      for (std::size_t i = 0; i < rows * out_padded; ++i) Y[i] = X[i] + out[i];
    } else {
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < In; ++i) Y[r * out_padded + i] = X[r * out_padded + i] + out[r * out_padded + i];
    }
  }
  template <class Backend, class Chain>
  constexpr void backward_body(Chain& body, const float* X, const float* dY, float* dX, float* grad, float* s,
                               std::size_t rows) const {
    float* g = body.output_gradient();
    for (std::size_t i = 0; i < rows * out_padded; ++i) g[i] = dY[i];
    body.template backward<Backend>(*this, X, dX, grad, s, false);
    if (dX != nullptr)
      for (std::size_t i = 0; i < rows * in_padded; ++i) dX[i] += dY[i];
  }
  constexpr void forward_impl(state& st, const float* x, float* y) const {
    std::array<float, In> out{};
    body_.forward_reference(st, x, out.data());
    for (std::size_t i = 0; i < In; ++i) y[i] = x[i] + out[i];
    for (std::size_t i = In; i < out_padded; ++i) y[i] = 0.0f;
  }
  template <class F>
  constexpr void each(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (f(layer<I>()), ...); }(all);
  }
  template <class F>
  constexpr void each(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (f(layer<I>()), ...); }(all);
  }

  body_type body_{};
};

namespace detail {
/// The residual block's shape check, instantiated with the block's layer
/// index so the compiler's note names it: residual_check<LayerIndex, In, BodyOut>.
template <std::size_t LayerIndex, std::size_t In, std::size_t BodyOut>
struct residual_check {
  static_assert(BodyOut == In,
                "ctnn::residual: the block at layer LayerIndex must end with as many outputs as it has inputs "
                "(its body maps In features to BodyOut; y = x + body(x) needs BodyOut == In)");
  static constexpr bool value = true;
};
}  // namespace detail

/// Spec of a residual block for ctnn::network: y = x + body(x), the body
/// being Specs... (any layers, at least one) applied in order; the body must
/// end with as many outputs as the block has inputs (checked at compile time,
/// the message names the block's layer index). Example:
///     ctnn::residual<ctnn::dense<64, ctnn::relu>, ctnn::dense<64>>
/// Example program: examples/fashion_mnist_residual.cpp
template <class... Specs>
struct residual {
  static_assert(sizeof...(Specs) > 0, "ctnn::residual<Specs...>: the block needs at least one layer");
  static constexpr std::size_t out_extent(std::size_t in) noexcept { return in; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check =
      detail::residual_check<LayerIndex, In, detail::chain_extents<Specs...>(In)[sizeof...(Specs)]>::value;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = residual_layer<In, Specs...>;
};

}  // namespace ctnn

// The SIMD kernels (for the TU's static target; ctnn/dynamic.hpp re-includes
// them per target through ctnn/layers/layers-inl.hpp).
#include "ctnn/layers/residual-inl.hpp"  // IWYU pragma: export
