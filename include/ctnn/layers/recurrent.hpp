// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/recurrent.hpp — the recurrent layers: specs `gru<Units>` and
// `lstm<Units>` (torch.nn.GRU / torch.nn.LSTM: one layer, with biases, no
// projection) and the concrete `recurrent_layer<Cell, In, H>` a network
// builds from them. One forward call is one time step; the hidden state (and
// an LSTM's cell state) lives in the network, beside the parameters (see the
// state protocol in layers/layer.hpp), and net.reset() zeroes it.
//
// PyTorch's equations, per step (x input, h previous hidden state):
//   GRU  r = σ(W_ir x + b_ir + W_hr h + b_hr)    z = σ(W_iz x + b_iz + W_hz h + b_hz)
//        n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))    h' = (1 − z) ⊙ n + z ⊙ h
//   LSTM i, f, o = σ(W_i* x + b_i* + W_h* h + b_h*)    g = tanh(W_ig x + b_ig + W_hg h + b_hg)
//        c' = f ⊙ c + i ⊙ g    h' = o ⊙ tanh(c')
// The layer's output is h'.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "ctnn/activations.hpp"
#include "ctnn/config.hpp"
#include "ctnn/detail/cmath.hpp"
#include "ctnn/layers/layer.hpp"

namespace ctnn {

namespace detail {
/// The two cells: their number of gate blocks (PyTorch's row blocks of
/// weight_ih / weight_hh, in that order) and their names.
struct gru_cell {
  static constexpr std::size_t gates = 3;  // r | z | n
  static constexpr std::string_view name = "gru";
};
struct lstm_cell {
  static constexpr std::size_t gates = 4;  // i | f | g | o
  static constexpr std::string_view name = "lstm";
};
}  // namespace detail

/// A recurrent layer with `In` inputs and `H` hidden units (the outputs).
///
/// Storage (inside the object, no heap), with Hp = padded(H) and the gates
/// side by side in rows of G·Hp floats (gate g of unit u at column g·Hp + u):
/// W_ih as In rows, W_hh as H rows — the broadcast layout, so a step
/// broadcasts x[i] or h[j] and multiplies a whole row — then b_ih and b_hh,
/// one row each. Padding columns are zero and stay zero, and so do the
/// padding lanes of the state. The interchange order is PyTorch's
/// state_dict: weight_ih_l0 [G·H × In], weight_hh_l0 [G·H × H], bias_ih_l0,
/// bias_hh_l0.
template <class Cell, std::size_t In, std::size_t H>
class recurrent_layer : public detail::one_array_parameters<recurrent_layer<Cell, In, H>> {
 public:
  using cell = Cell;
  static constexpr std::size_t gates = Cell::gates;
  static constexpr std::size_t in_extent = In;
  static constexpr std::size_t out_extent = H;
  static constexpr std::size_t in_padded = padded(In);
  static constexpr std::size_t out_padded = padded(H);
  static constexpr std::size_t hidden = H;
  static constexpr std::size_t hidden_padded = padded(H);
  /// Floats per row: G gate blocks of hidden_padded.
  static constexpr std::size_t row = gates * hidden_padded;
  static constexpr bool reads_input_padding = false;  // x[i] is read for i < In only
  static constexpr std::size_t parameter_count = gates * H * (In + H) + 2 * gates * H;
  static constexpr std::size_t parameter_storage = (In + H + 2) * row;

  // ------------------------------------------------------------- storage
  /// Offsets of W_ih[g·H + u][i], W_hh[g·H + u][j], b_ih[g·H + u] and
  /// b_hh[g·H + u] in the storage (the one array of parameter_storage floats).
  static constexpr std::size_t ih_index(std::size_t gu, std::size_t i) noexcept {
    return i * row + column(gu);
  }
  static constexpr std::size_t hh_index(std::size_t gu, std::size_t j) noexcept {
    return (In + j) * row + column(gu);
  }
  static constexpr std::size_t bias_ih_index(std::size_t gu) noexcept { return (In + H) * row + column(gu); }
  static constexpr std::size_t bias_hh_index(std::size_t gu) noexcept { return (In + H + 1) * row + column(gu); }

  /// Offset in the storage of the k-th parameter in interchange order.
  static constexpr std::size_t storage_index(std::size_t k) noexcept {
    constexpr std::size_t n_ih = gates * H * In, n_hh = gates * H * H, n_b = gates * H;
    if (k < n_ih) return ih_index(k / In, k % In);
    k -= n_ih;
    if (k < n_hh) return hh_index(k / H, k % H);
    k -= n_hh;
    if (k < n_b) return bias_ih_index(k);
    return bias_hh_index(k - n_b);
  }

  constexpr float& weight_ih(std::size_t gu, std::size_t i) noexcept { return p_[ih_index(gu, i)]; }
  constexpr float weight_ih(std::size_t gu, std::size_t i) const noexcept { return p_[ih_index(gu, i)]; }
  constexpr float& weight_hh(std::size_t gu, std::size_t j) noexcept { return p_[hh_index(gu, j)]; }
  constexpr float weight_hh(std::size_t gu, std::size_t j) const noexcept { return p_[hh_index(gu, j)]; }
  constexpr float& bias_ih(std::size_t gu) noexcept { return p_[bias_ih_index(gu)]; }
  constexpr float bias_ih(std::size_t gu) const noexcept { return p_[bias_ih_index(gu)]; }
  constexpr float& bias_hh(std::size_t gu) noexcept { return p_[bias_hh_index(gu)]; }
  constexpr float bias_hh(std::size_t gu) const noexcept { return p_[bias_hh_index(gu)]; }

  /// Raw storage for the kernels: W_ih rows, then W_hh rows, b_ih, b_hh.
  constexpr float* parameter_data() noexcept { return p_.data(); }
  constexpr const float* parameter_data() const noexcept { return p_.data(); }
  constexpr const float* ih_data() const noexcept { return p_.data(); }
  constexpr const float* hh_data() const noexcept { return p_.data() + In * row; }
  constexpr const float* bias_ih_data() const noexcept { return p_.data() + (In + H) * row; }
  constexpr const float* bias_hh_data() const noexcept { return p_.data() + (In + H + 1) * row; }

  /// ctnn::initialize: PyTorch's default, every weight and bias from
  /// U(−1/√H, 1/√H), drawn in interchange order.
  template <class Rng>
  constexpr void initialize(Rng& gen) noexcept {
    const double bound = 1.0 / detail::sqrt(static_cast<double>(H));
    this->for_each_parameter([&](float& p) { p = static_cast<float>(bound * (2.0 * gen.uniform() - 1.0)); });
  }

  // ------------------------------------------------------------- state
  static constexpr bool is_stateful = true;
  /// h (and c for an LSTM), hidden_padded floats each; zero = a new sequence.
  struct state {
    alignas(alignment) std::array<float, hidden_padded> h{};
    alignas(alignment) std::array<float, (gates == 4 ? hidden_padded : 0)> c{};
  };

  /// One time step, scalar reference (the constant-expression path; the SIMD
  /// kernels are in recurrent-inl.hpp): sums in double, each gate's
  /// pre-activation rounded once to float, the equations above in float.
  /// Advances `s`; y[0, H) = h', y[H, out_padded) = 0.
  constexpr void forward(state& s, const float* x, float* y) const {
    float gx[gates * H]{}, gh[gates * H]{};
    for (std::size_t gu = 0; gu < gates * H; ++gu) {
      double a = bias_ih(gu), b = bias_hh(gu);
      for (std::size_t i = 0; i < In; ++i) a += static_cast<double>(weight_ih(gu, i)) * x[i];
      for (std::size_t j = 0; j < H; ++j) b += static_cast<double>(weight_hh(gu, j)) * s.h[j];
      gx[gu] = static_cast<float>(a);
      gh[gu] = static_cast<float>(b);
    }
    for (std::size_t u = 0; u < H; ++u) {
      if constexpr (gates == 3) {
        const float r = sigmoid::apply(gx[u] + gh[u]);
        const float z = sigmoid::apply(gx[H + u] + gh[H + u]);
        const float n = tanh::apply(gx[2 * H + u] + r * gh[2 * H + u]);
        y[u] = (1.0f - z) * n + z * s.h[u];
      } else {
        const float i = sigmoid::apply(gx[u] + gh[u]);
        const float f = sigmoid::apply(gx[H + u] + gh[H + u]);
        const float g = tanh::apply(gx[2 * H + u] + gh[2 * H + u]);
        const float o = sigmoid::apply(gx[3 * H + u] + gh[3 * H + u]);
        s.c[u] = f * s.c[u] + i * g;
        y[u] = o * tanh::apply(s.c[u]);
      }
    }
    for (std::size_t u = 0; u < H; ++u) s.h[u] = y[u];
    for (std::size_t u = H; u < out_padded; ++u) y[u] = 0.0f;
  }

  // ------------------------------------------------------------- training
  // Backpropagation through time over a window of Steps steps of Batch
  // sequences (ctnn::sequence_trainer). Rows are time-major: row t·Batch + b
  // is step t of sequence b. Forward: the input projections of every step by
  // one GEMM (gx = b_ih + W_ih·x, into the cache), then per step one GEMM for
  // the Batch recurrent products (gh = b_hh + W_hh·h) and the gate equations;
  // the cache keeps the activated gates (GRU r z n, LSTM i f g o), the GRU's
  // gh_n (LSTM: the cell state c') and the state the window started from.
  // Backward runs the steps in reverse, carrying dL/dh (and dL/dc) from step
  // to step; the gradient stops at the window's start (as PyTorch's detach()
  // between windows). The weight and bias gradients accumulate step by step
  // (while the step's gate gradients are in L1); dX is one GEMM over the
  // whole window once the loop is done.
  template <std::size_t Batch, std::size_t Steps>
  struct train_sequence_cache {
    static constexpr std::size_t rows = Batch * Steps;
    alignas(alignment) std::array<float, rows * row> act{};            // gates after their activations
    alignas(alignment) std::array<float, rows * hidden_padded> aux{};  // GRU: W_hn·h + b_hn; LSTM: c'
    alignas(alignment) std::array<float, Batch * hidden_padded> h0{};  // the window's initial h
    alignas(alignment) std::array<float, (gates == 4 ? Batch * hidden_padded : 0)> c0{};
    alignas(alignment) std::array<float, (gates == 4 ? rows * hidden_padded : 0)> tc{};  // LSTM: tanh(c')
  };
  /// Scratch: forward, the GRU's gh of one step (the LSTM's: b_ih + b_hh);
  /// backward, the GRU's dL/d(gh) of one step (the LSTM's equals dL/d(gx),
  /// kept in the cache), one transposed weight matrix, dL/dh and dL/dc.
  template <std::size_t Batch, std::size_t Steps>
  static constexpr std::size_t train_sequence_scratch =
      (gates == 3 ? Batch * row : 0) + row * (in_padded > hidden_padded ? in_padded : hidden_padded) +
      2 * Batch * hidden_padded;

  template <class Backend, std::size_t Batch, std::size_t Steps, class States>
  constexpr void train_forward_sequence(train_sequence_cache<Batch, Steps>& c, States&& st, const float* X, float* Y,
                                        float* s) const {
    constexpr std::size_t Hp = hidden_padded, R = Batch * Steps;
    float* A = c.act.data();
    // The LSTM's b_hh joins b_ih in the projection of the whole window, and
    // each step's W_hh·h is accumulated into A; the GRU keeps gh apart (r
    // multiplies gh_n alone).
    float* GH = s;    // GRU: Batch rows of gh
    float* bias = s;  // LSTM: b_ih + b_hh
    if constexpr (gates == 4)
      for (std::size_t k = 0; k < row; ++k) bias[k] = bias_ih_data()[k] + bias_hh_data()[k];
    Backend::gemm(R, In, row, X, in_padded, 1, ih_data(), row, gates == 4 ? bias : bias_ih_data(), A, row, false);
    for (std::size_t b = 0; b < Batch; ++b) {
      auto& sb = st(b);
      for (std::size_t u = 0; u < Hp; ++u) c.h0[b * Hp + u] = sb.h[u];
      if constexpr (gates == 4)
        for (std::size_t u = 0; u < Hp; ++u) c.c0[b * Hp + u] = sb.c[u];
    }
    for (std::size_t t = 0; t < Steps; ++t) {
      const std::size_t at = t * Batch * Hp;
      const float* hp = t == 0 ? c.h0.data() : Y + at - Batch * Hp;
      const float* cp = gates == 3 ? nullptr : (t == 0 ? c.c0.data() : c.aux.data() + at - Batch * Hp);
      float* At = A + t * Batch * row;
      float* tc = gates == 4 ? c.tc.data() + at : nullptr;
      if constexpr (gates == 4) {
        Backend::gemm(Batch, H, row, hp, Hp, 1, hh_data(), row, nullptr, At, row, true);
      } else {
        Backend::gemm(Batch, H, row, hp, Hp, 1, hh_data(), row, bias_hh_data(), GH, row, false);
      }
      if (std::is_constant_evaluated()) {
        gates_forward_reference(At, GH, hp, cp, c.aux.data() + at, tc, Y + at, Batch);
      } else {
        RecurrentTrainForward(typename Backend::simd_tag{}, *this, At, GH, hp, cp, c.aux.data() + at, tc, Y + at,
                              Batch);
      }
    }
    for (std::size_t b = 0; b < Batch; ++b) {
      auto& sb = st(b);
      const std::size_t last = ((Steps - 1) * Batch + b) * Hp;
      for (std::size_t u = 0; u < Hp; ++u) sb.h[u] = Y[last + u];
      if constexpr (gates == 4)
        for (std::size_t u = 0; u < Hp; ++u) sb.c[u] = c.aux[last + u];
    }
  }

  template <class Backend, std::size_t Batch, std::size_t Steps>
  constexpr void train_backward_sequence(train_sequence_cache<Batch, Steps>& c, const float* X, const float* Y,
                                         const float* dY, float* dX, float* grad, float* s) const {
    constexpr std::size_t Hp = hidden_padded, R = Batch * Steps;
    constexpr std::size_t WT = in_padded > Hp ? in_padded : Hp;
    float* dA = c.act.data();  // the gates become dL/d(gx), step by step
    float* Wt = s + (gates == 3 ? Batch * row : 0);  // the GRU's dL/d(gh) of one step first
    float* dh = Wt + row * WT;
    float* dc = dh + Batch * Hp;
    // W_hhᵀ: row * Hp floats, column gu of W_hh as a row.
    for (std::size_t k = 0; k < row; ++k)
      for (std::size_t j = 0; j < Hp; ++j) Wt[k * Hp + j] = j < H ? p_[(In + j) * row + k] : 0.0f;
    for (std::size_t k = 0; k < 2 * Batch * Hp; ++k) dh[k] = 0.0f;  // dh and dc
    // Every parameter gradient is summed step by step.
    float* g_ih = grad;
    float* g_hh = grad + In * row;
    float* dbi = grad + (In + H) * row;
    float* dbh = grad + (In + H + 1) * row;
    for (std::size_t k = 0; k < (In + H + 2) * row; ++k) grad[k] = 0.0f;
    for (std::size_t t = Steps; t-- > 0;) {
      const std::size_t at = t * Batch * Hp;
      const float* hp = t == 0 ? c.h0.data() : Y + at - Batch * Hp;
      const float* cp = gates == 3 ? nullptr : (t == 0 ? c.c0.data() : c.aux.data() + at - Batch * Hp);
      const float* tc = gates == 4 ? c.tc.data() + at : nullptr;
      float* At = dA + t * Batch * row;
      float* Gt = gates == 3 ? s : At;
      if (std::is_constant_evaluated()) {
        gates_backward_reference(At, Gt, c.aux.data() + at, tc, hp, cp, dY + at, dh, dc, dbi, dbh, Batch);
      } else {
        RecurrentTrainBackward(typename Backend::simd_tag{}, *this, At, Gt, c.aux.data() + at, tc, hp, cp, dY + at,
                               dh, dc, dbi, dbh, Batch);
      }
      // dh = W_hhᵀ·dgh (+ the GRU's direct part z·dL/dh').
      Backend::gemm(Batch, row, Hp, Gt, row, 1, Wt, Hp, nullptr, dh, Hp, gates == 3);
      // The weight gradients while the step's gate gradients are in L1
      // (reading them back from the window's cache afterwards costs more).
      Backend::gemm(In, Batch, row, X + t * Batch * in_padded, 1, in_padded, At, row, nullptr, g_ih, row, true);
      Backend::gemm(H, Batch, row, hp, 1, Hp, Gt, row, nullptr, g_hh, row, true);
    }
    if constexpr (gates == 4)  // the LSTM's two biases get the same gradient
      for (std::size_t k = 0; k < row; ++k) dbh[k] = dbi[k];
    if (dX == nullptr) return;
    // W_ihᵀ: row rows of in_padded floats.
    for (std::size_t k = 0; k < row; ++k)
      for (std::size_t i = 0; i < in_padded; ++i) Wt[k * in_padded + i] = i < In ? p_[i * row + k] : 0.0f;
    Backend::gemm(R, row, in_padded, dA, row, 1, Wt, in_padded, nullptr, dX, in_padded, false);
  }

  /// The gate equations of one training step for `rows` rows, scalar: the
  /// constant-expression twin of RecurrentTrainForward (recurrent-inl.hpp)
  /// and its reference in the all-target tests. A: the gates' input sums
  /// (LSTM: gx + gh) in, the activated gates out; gh: the GRU's recurrent
  /// sums; hp, cp: the previous h, c; aux ← the GRU's gh_n or the LSTM's c';
  /// tc ← tanh(c'); h ← h'. Padding lanes of h, aux, tc are written zero.
  static constexpr void gates_forward_reference(float* A, const float* gh, const float* hp, const float* cp,
                                                float* aux, float* tc, float* h, std::size_t rows) {
    constexpr std::size_t Hp = hidden_padded;
    for (std::size_t b = 0; b < rows; ++b)
      for (std::size_t u = 0; u < Hp; ++u) {
        float* a = A + b * row;
        const std::size_t at = b * Hp + u;
        const bool live = u < H;
        if constexpr (gates == 3) {
          const float* g = gh + b * row;
          const float r = sigmoid::apply(a[u] + g[u]), z = sigmoid::apply(a[Hp + u] + g[Hp + u]);
          const float n = tanh::apply(a[2 * Hp + u] + r * g[2 * Hp + u]);
          a[u] = r, a[Hp + u] = z, a[2 * Hp + u] = n;
          aux[at] = live ? g[2 * Hp + u] : 0.0f;
          h[at] = live ? (1.0f - z) * n + z * hp[at] : 0.0f;
        } else {
          const float i = sigmoid::apply(a[u]), f = sigmoid::apply(a[Hp + u]);
          const float g = tanh::apply(a[2 * Hp + u]), o = sigmoid::apply(a[3 * Hp + u]);
          const float cn = f * cp[at] + i * g, t = tanh::apply(cn);
          a[u] = i, a[Hp + u] = f, a[2 * Hp + u] = g, a[3 * Hp + u] = o;
          aux[at] = live ? cn : 0.0f;
          tc[at] = live ? t : 0.0f;
          h[at] = live ? o * t : 0.0f;
        }
      }
  }
  /// Backward of one step, scalar (RecurrentTrainBackward's twin): from
  /// dL/dh' = dY + dh; A → dL/d(gx), G → dL/d(gh) (GRU), dc carried (LSTM),
  /// dh ← the GRU's direct part z·dL/dh'; dbi, dbh (GRU) += the rows' sums
  /// of dL/d(gx), dL/d(gh). Padding lanes written zero.
  static constexpr void gates_backward_reference(float* A, float* G, const float* aux, const float* tc,
                                                 const float* hp, const float* cp, const float* dY, float* dh,
                                                 float* dc, float* dbi, float* dbh, std::size_t rows) {
    constexpr std::size_t Hp = hidden_padded;
    for (std::size_t b = 0; b < rows; ++b)
      for (std::size_t u = 0; u < Hp; ++u) {
        float* a = A + b * row;
        const std::size_t at = b * Hp + u;
        const bool live = u < H;
        const float d = dY[at] + dh[at];
        if constexpr (gates == 3) {
          float* g = G + b * row;
          const float r = a[u], z = a[Hp + u], n = a[2 * Hp + u];
          const float dan = d * (1.0f - z) * (1.0f - n * n);
          const float dar = dan * aux[at] * r * (1.0f - r);
          const float daz = d * (hp[at] - n) * z * (1.0f - z);
          a[u] = g[u] = live ? dar : 0.0f;
          a[Hp + u] = g[Hp + u] = live ? daz : 0.0f;
          a[2 * Hp + u] = live ? dan : 0.0f;
          g[2 * Hp + u] = live ? dan * r : 0.0f;
          dh[at] = live ? d * z : 0.0f;
          for (std::size_t k = 0; k < 3; ++k) {
            dbi[k * Hp + u] += a[k * Hp + u];
            dbh[k * Hp + u] += g[k * Hp + u];
          }
        } else {
          const float i = a[u], f = a[Hp + u], gg = a[2 * Hp + u], o = a[3 * Hp + u], t = tc[at];
          const float dcc = d * o * (1.0f - t * t) + dc[at];
          a[u] = live ? dcc * gg * i * (1.0f - i) : 0.0f;
          a[Hp + u] = live ? dcc * cp[at] * f * (1.0f - f) : 0.0f;
          a[2 * Hp + u] = live ? dcc * i * (1.0f - gg * gg) : 0.0f;
          a[3 * Hp + u] = live ? d * t * o * (1.0f - o) : 0.0f;
          dc[at] = live ? dcc * f : 0.0f;
          for (std::size_t k = 0; k < 4; ++k) dbi[k * Hp + u] += a[k * Hp + u];
        }
      }
  }

  // ------------------------------------------------------------- names
  static std::string cpp_spec_name() {
    return "ctnn::" + std::string(Cell::name) + "<" + std::to_string(H) + ">";
  }
  static std::string short_name() { return std::string(Cell::name) + std::to_string(H); }
  static constexpr std::string_view header = "ctnn/layers/recurrent.hpp";

 private:
  static constexpr std::size_t column(std::size_t gu) noexcept { return gu / H * hidden_padded + gu % H; }

  alignas(alignment) std::array<float, parameter_storage> p_{};
};

namespace detail {
/// Shape checks of a recurrent spec, instantiated with the layer's index.
template <std::size_t LayerIndex, std::size_t InExtent, std::size_t Units, class Cell>
struct recurrent_check {
  static_assert(Units > 0, "ctnn::gru / ctnn::lstm: layer LayerIndex has zero units; a recurrent layer needs Units >= 1");
  static constexpr bool value = true;
};
}  // namespace detail

namespace detail {
/// What gru<Units> and lstm<Units> share: the spec of a Cell layer.
template <class Cell, std::size_t Units>
struct recurrent_spec {
  static constexpr std::size_t units = Units;
  static constexpr std::size_t out_extent(std::size_t /*in*/) noexcept { return Units; }
  template <std::size_t LayerIndex, std::size_t In>
  static constexpr bool check = recurrent_check<LayerIndex, In, Units, Cell>::value;
  template <std::size_t LayerIndex, std::size_t In>
  using layer = recurrent_layer<Cell, In, Units>;
};
}  // namespace detail

/// Spec of a GRU layer with `Units` hidden units = torch.nn.GRU(in, Units,
/// batch_first=True), one time step per forward call. Example:
/// examples/streaming.cpp
template <std::size_t Units>
struct gru : detail::recurrent_spec<detail::gru_cell, Units> {};

/// Spec of an LSTM layer with `Units` hidden units = torch.nn.LSTM(in,
/// Units, batch_first=True) without projection.
template <std::size_t Units>
struct lstm : detail::recurrent_spec<detail::lstm_cell, Units> {};

}  // namespace ctnn

#include "ctnn/layers/recurrent-inl.hpp"  // IWYU pragma: export
