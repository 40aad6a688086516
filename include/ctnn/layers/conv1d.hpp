// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/conv1d.hpp — the causal 1-D convolution: spec
// `conv1d<OutChannels, Kernel, Dilation, Act>` (torch.nn.Conv1d with left
// zero padding of (Kernel − 1)·Dilation, then the activation) and the
// concrete `conv1d_layer<Cin, Cout, K, D, Act>`. One forward call is one time
// step: x holds the Cin channels of one sample; the layer keeps the inputs
// of the last (K − 1)·D steps in a ring buffer (its state, zero = the
// padding PyTorch adds before the first sample).
//   y[o, t] = act(b[o] + Σ_i Σ_k w[o][i][k] · x[i, t − (K − 1 − k)·D])
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"
#include "ctnn/detail/cmath.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn {

/// A causal convolution with Cin input and Cout output channels, K taps
/// spaced D steps apart, output activation Act (elementwise).
///
/// Storage: the broadcast layout — K·Cin rows of padded(Cout) floats, row
/// k·Cin + i holding w[·][i][k] — then the bias; padding zero. Interchange
/// order is PyTorch's: weight [Cout][Cin][K] row-major, then bias [Cout].
template <std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, class Act>
class conv1d_layer : public detail::one_array_parameters<conv1d_layer<Cin, Cout, K, D, Act>> {
 public:
  using activation = Act;
  static constexpr std::size_t in_extent = Cin, out_extent = Cout;
  static constexpr std::size_t in_padded = padded(Cin), out_padded = padded(Cout);
  static constexpr std::size_t kernel = K, dilation = D;
  /// Past steps the layer remembers: the receptive field minus the present.
  static constexpr std::size_t history = (K - 1) * D;
  static constexpr bool reads_input_padding = false;  // x[i] is read for i < Cin only
  static constexpr std::size_t parameter_count = Cout * Cin * K + Cout;
  static constexpr std::size_t weight_storage = K * Cin * out_padded;
  static constexpr std::size_t parameter_storage = weight_storage + out_padded;

  static constexpr std::size_t weight_index(std::size_t o, std::size_t i, std::size_t k) noexcept {
    return (k * Cin + i) * out_padded + o;
  }
  static constexpr std::size_t storage_index(std::size_t n) noexcept {
    if (n < Cout * Cin * K) return weight_index(n / (Cin * K), n / K % Cin, n % K);
    return weight_storage + (n - Cout * Cin * K);
  }

  constexpr float& weight(std::size_t o, std::size_t i, std::size_t k) noexcept { return p_[weight_index(o, i, k)]; }
  constexpr float weight(std::size_t o, std::size_t i, std::size_t k) const noexcept {
    return p_[weight_index(o, i, k)];
  }
  constexpr float& bias(std::size_t o) noexcept { return p_[weight_storage + o]; }
  constexpr float bias(std::size_t o) const noexcept { return p_[weight_storage + o]; }
  constexpr float* parameter_data() noexcept { return p_.data(); }
  constexpr const float* parameter_data() const noexcept { return p_.data(); }
  constexpr const float* weight_data() const noexcept { return p_.data(); }
  constexpr const float* bias_data() const noexcept { return p_.data() + weight_storage; }

  /// ctnn::initialize: PyTorch's default for Conv1d, weights and bias from
  /// U(−1/√(Cin·K), 1/√(Cin·K)), drawn in interchange order.
  template <class Rng>
  constexpr void initialize(Rng& gen) noexcept {
    const double bound = 1.0 / detail::sqrt(static_cast<double>(Cin * K));
    this->for_each_parameter([&](float& p) { p = static_cast<float>(bound * (2.0 * gen.uniform() - 1.0)); });
  }

  // ------------------------------------------------------------- state
  static constexpr bool is_stateful = true;
  /// The inputs of the last `history` steps, Cin floats each, in a ring:
  /// the input of step τ sits at slot τ mod history; `next` is the slot of
  /// the current step (which holds the oldest input until it is replaced).
  struct state {
    std::array<float, (history > 0 ? history * Cin : 1)> past{};
    std::size_t next = 0;
  };

  /// The ring slot of the j-th oldest remembered input (j < history).
  static constexpr std::size_t slot(const state& s, std::size_t j) noexcept {
    return s.next + j < history ? s.next + j : s.next + j - history;
  }
  /// The input of tap k (the present for k = K − 1).
  static constexpr const float* tap_input(const state& s, const float* x, std::size_t k) noexcept {
    if (k + 1 == K) return x;
    return s.past.data() + slot(s, k * D) * Cin;
  }
  /// Stores the present input in the ring (after the step's taps read it).
  static constexpr void remember(state& s, const float* x) noexcept {
    if constexpr (history > 0) {
      for (std::size_t i = 0; i < Cin; ++i) s.past[s.next * Cin + i] = x[i];
      s.next = s.next + 1 == history ? 0 : s.next + 1;
    }
  }

  /// One time step, scalar reference (sums in double, one rounding, then
  /// Act). y[Cout, out_padded) = 0.
  constexpr void forward(state& s, const float* x, float* y) const {
    for (std::size_t o = 0; o < Cout; ++o) {
      double a = bias(o);
      for (std::size_t k = 0; k < K; ++k) {
        const float* in = tap_input(s, x, k);
        for (std::size_t i = 0; i < Cin; ++i) a += static_cast<double>(weight(o, i, k)) * in[i];
      }
      y[o] = Act::apply(static_cast<float>(a));
    }
    for (std::size_t o = Cout; o < out_padded; ++o) y[o] = 0.0f;
    remember(s, x);
  }

  // ------------------------------------------------------------- training
  // Through time over a window of Steps steps of Batch sequences (rows
  // time-major, ctnn::sequence_trainer). The cache holds the window's inputs
  // after the `history` inputs remembered from before it, so tap k of every
  // step reads one contiguous block: Z = b + Σ_k E_k·W_k, one GEMM per tap,
  // Y = act(Z). Backward: dW_k = E_kᵀ·dZ, db = Σ dZ, and dX from the taps
  // that read the window's own inputs (the gradient stops at its start).
  template <std::size_t Batch, std::size_t Steps>
  struct train_sequence_cache {
    alignas(alignment) std::array<float, (history + Steps) * Batch * in_padded> ext{};
    alignas(alignment) std::array<float, Batch * Steps * out_padded> z{};
  };
  /// Scratch: W_kᵀ for every tap, Cout rows of in_padded floats each.
  template <std::size_t Batch, std::size_t Steps>
  static constexpr std::size_t train_sequence_scratch = K * Cout * in_padded;

  template <class Backend, std::size_t Batch, std::size_t Steps, class States>
  constexpr void train_forward_sequence(train_sequence_cache<Batch, Steps>& c, States&& st, const float* X, float* Y,
                                        float*) const {
    constexpr std::size_t Cinp = in_padded, Coutp = out_padded, R = Batch * Steps;
    float* E = c.ext.data();
    for (std::size_t b = 0; b < Batch; ++b) {
      const auto& sb = st(b);
      for (std::size_t m = 0; m < history; ++m) {
        const float* in = sb.past.data() + slot(sb, m) * Cin;
        for (std::size_t i = 0; i < Cinp; ++i) E[(m * Batch + b) * Cinp + i] = i < Cin ? in[i] : 0.0f;
      }
    }
    for (std::size_t k = 0; k < R * Cinp; ++k) E[history * Batch * Cinp + k] = X[k];
    float* Z = c.z.data();
    for (std::size_t k = 0; k < K; ++k)
      Backend::gemm(R, Cin, Coutp, E + k * D * Batch * Cinp, Cinp, 1, p_.data() + k * Cin * Coutp, Coutp,
                    k == 0 ? bias_data() : nullptr, Z, Coutp, k != 0);
    Backend::template activate_rows_to<Act, Cout, Coutp>(Z, Y, R);
    if constexpr (history > 0) {
      for (std::size_t b = 0; b < Batch; ++b) {
        auto& sb = st(b);
        for (std::size_t m = 0; m < history; ++m)
          for (std::size_t i = 0; i < Cin; ++i) sb.past[m * Cin + i] = E[((Steps + m) * Batch + b) * Cinp + i];
        sb.next = 0;
      }
    }
  }

  template <class Backend, std::size_t Batch, std::size_t Steps>
  constexpr void train_backward_sequence(train_sequence_cache<Batch, Steps>& c, const float*, const float* Y,
                                         const float* dY, float* dX, float* grad, float* s) const {
    constexpr std::size_t Cinp = in_padded, Coutp = out_padded, R = Batch * Steps;
    const float* E = c.ext.data();
    float* dZ = c.z.data();
    Backend::template activation_backward<Act>(detail::backward_from_input<Act> ? dZ : Y, dY, dZ, R * Coutp);
    for (std::size_t k = 0; k < K; ++k)
      Backend::gemm(Cin, R, Coutp, E + k * D * Batch * Cinp, 1, Cinp, dZ, Coutp, nullptr, grad + k * Cin * Coutp,
                    Coutp, false);
    Backend::column_sums(R, Coutp, dZ, Coutp, grad + weight_storage);
    if (dX == nullptr) return;
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t o = 0; o < Cout; ++o)
        for (std::size_t i = 0; i < Cinp; ++i) s[(k * Cout + o) * Cinp + i] = i < Cin ? weight(o, i, k) : 0.0f;
    for (std::size_t k = 0; k < R * Cinp; ++k) dX[k] = 0.0f;
    for (std::size_t k = 0; k < K; ++k) {
      // Output step t reads input step t + k·D − history through tap k.
      const std::size_t t0 = k * D < history ? history - k * D : 0;
      if (t0 < Steps)
        Backend::gemm((Steps - t0) * Batch, Cout, Cinp, dZ + t0 * Batch * Coutp, Coutp, 1, s + k * Cout * Cinp, Cinp,
                      nullptr, dX + (t0 + k * D - history) * Batch * Cinp, Cinp, true);
    }
  }

  // ------------------------------------------------------------- names
  static std::string cpp_spec_name() {
    return "ctnn::conv1d<" + std::to_string(Cout) + ", " + std::to_string(K) + ", " + std::to_string(D) + ", " +
           activation_cpp_name<Act>() + ">";
  }
  static std::string short_name() {
    return "conv" + std::to_string(Cout) + "k" + std::to_string(K) + "d" + std::to_string(D) + "(" +
           std::string(Act::name) + ")";
  }
  static constexpr std::string_view header = "ctnn/layers/conv1d.hpp";

 private:
  alignas(alignment) std::array<float, parameter_storage> p_{};
};

namespace detail {
template <std::size_t LayerIndex, std::size_t InExtent, std::size_t Cout, std::size_t K, std::size_t D, class Act>
struct conv1d_check {
  static_assert(Cout > 0 && K > 0 && D > 0,
                "ctnn::conv1d: layer LayerIndex needs OutChannels, Kernel and Dilation >= 1");
  static_assert(Act::elementwise, "ctnn::conv1d: layer LayerIndex's activation must be elementwise (softmax over "
                                  "channels: add ctnn::activation<ctnn::softmax> after it)");
  static constexpr bool value = true;
};
}  // namespace detail

/// Spec of a causal convolution over time with `OutChannels` outputs,
/// `Kernel` taps `Dilation` steps apart and activation `Act`, one time step
/// per forward call (the input extent is the number of input channels).
template <std::size_t OutChannels, std::size_t Kernel, std::size_t Dilation = 1, class Act = identity>
struct conv1d {
  static_assert(detail::activation_check<Act>::value, "ctnn::conv1d<...>: Act must satisfy ctnn::Activation");
  static constexpr std::size_t out_extent(std::size_t /*in*/) noexcept { return OutChannels; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = detail::conv1d_check<LayerIndex, In, OutChannels, Kernel, Dilation, Act>::value;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = conv1d_layer<In, OutChannels, Kernel, Dilation, Act>;
};

}  // namespace ctnn

#include "ctnn/layers/conv1d-inl.hpp"  // IWYU pragma: export
