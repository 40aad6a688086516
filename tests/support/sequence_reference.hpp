// SPDX-License-Identifier: Apache-2.0
// A double-precision reference of sequence networks through time, computed
// straight from the interchange-order parameter vector and PyTorch's
// equations (GRU, LSTM, causal Conv1d, Linear, x + body(x)) — no ctnn
// kernels, layouts or states beyond reading where a window starts. Finite
// differences of its window loss are the ground truth for BPTT.
#pragma once

#include <boost/hana/at.hpp>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "ctnn/ctnn.hpp"

namespace ctnn_test {

template <class Act>
double act_double(double v) {
  if constexpr (std::is_same_v<Act, ctnn::identity>) {
    return v;
  } else if constexpr (std::is_same_v<Act, ctnn::tanh>) {
    return std::tanh(v);
  } else if constexpr (std::is_same_v<Act, ctnn::sigmoid>) {
    return 1.0 / (1.0 + std::exp(-v));
  } else {
    static_assert(std::is_same_v<Act, ctnn::relu>);
    return v > 0 ? v : 0.0;
  }
}
inline double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

/// ref_layer<L>: state_size doubles of state, load(state of L) → doubles,
/// step(p, state, x, y) with p at the layer's first parameter.
template <class L>
struct ref_layer;

template <std::size_t In, std::size_t Out, class Act, ctnn::layout Lay>
struct ref_layer<ctnn::dense_layer<In, Out, Act, Lay>> {
  static constexpr std::size_t state_size = 0;
  template <class S>
  static void load(const S&, double*) {}
  static void step(const double* p, double*, const double* x, double* y) {
    for (std::size_t o = 0; o < Out; ++o) {
      double s = p[In * Out + o];
      for (std::size_t i = 0; i < In; ++i) s += p[o * In + i] * x[i];
      y[o] = act_double<Act>(s);
    }
  }
};

template <class Cell, std::size_t In, std::size_t H>
struct ref_layer<ctnn::recurrent_layer<Cell, In, H>> {
  static constexpr std::size_t G = Cell::gates;
  static constexpr std::size_t state_size = G == 4 ? 2 * H : H;  // h (, c)
  template <class S>
  static void load(const S& s, double* d) {
    for (std::size_t u = 0; u < H; ++u) d[u] = s.h[u];
    if constexpr (G == 4)
      for (std::size_t u = 0; u < H; ++u) d[H + u] = s.c[u];
  }
  static void step(const double* p, double* st, const double* x, double* y) {
    const double* wih = p;                   // [G·H][In]
    const double* whh = p + G * H * In;      // [G·H][H]
    const double* bih = whh + G * H * H;     // [G·H]
    const double* bhh = bih + G * H;         // [G·H]
    std::vector<double> gx(G * H), gh(G * H);
    for (std::size_t k = 0; k < G * H; ++k) {
      gx[k] = bih[k];
      gh[k] = bhh[k];
      for (std::size_t i = 0; i < In; ++i) gx[k] += wih[k * In + i] * x[i];
      for (std::size_t j = 0; j < H; ++j) gh[k] += whh[k * H + j] * st[j];
    }
    for (std::size_t u = 0; u < H; ++u) {
      if constexpr (G == 3) {
        const double r = sig(gx[u] + gh[u]), z = sig(gx[H + u] + gh[H + u]);
        const double n = std::tanh(gx[2 * H + u] + r * gh[2 * H + u]);
        y[u] = (1 - z) * n + z * st[u];
      } else {
        const double i = sig(gx[u] + gh[u]), f = sig(gx[H + u] + gh[H + u]);
        const double g = std::tanh(gx[2 * H + u] + gh[2 * H + u]), o = sig(gx[3 * H + u] + gh[3 * H + u]);
        st[H + u] = f * st[H + u] + i * g;
        y[u] = o * std::tanh(st[H + u]);
      }
    }
    for (std::size_t u = 0; u < H; ++u) st[u] = y[u];
  }
};

template <std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, class Act>
struct ref_layer<ctnn::conv1d_layer<Cin, Cout, K, D, Act>> {
  static constexpr std::size_t history = (K - 1) * D;
  static constexpr std::size_t state_size = history * Cin;  // oldest input first
  template <class S>
  static void load(const S& s, double* d) {
    for (std::size_t m = 0; m < history; ++m)
      for (std::size_t i = 0; i < Cin; ++i) d[m * Cin + i] = s.past[((s.next + m) % history) * Cin + i];
  }
  static void step(const double* p, double* st, const double* x, double* y) {
    // input at lag τ (0 = now): x for τ = 0, else st[(history − τ)·Cin + i]
    for (std::size_t o = 0; o < Cout; ++o) {
      double s = p[Cout * Cin * K + o];
      for (std::size_t i = 0; i < Cin; ++i)
        for (std::size_t k = 0; k < K; ++k) {
          const std::size_t lag = (K - 1 - k) * D;
          const double v = lag == 0 ? x[i] : st[(history - lag) * Cin + i];
          s += p[(o * Cin + i) * K + k] * v;
        }
      y[o] = act_double<Act>(s);
    }
    if constexpr (history > 0) {  // shift the history by one step, the present last
      for (std::size_t m = 0; m + 1 < history; ++m)
        for (std::size_t i = 0; i < Cin; ++i) st[m * Cin + i] = st[(m + 1) * Cin + i];
      for (std::size_t i = 0; i < Cin; ++i) st[(history - 1) * Cin + i] = x[i];
    }
  }
};

template <std::size_t In, class... Specs>
struct ref_layer<ctnn::residual_layer<In, Specs...>> {
  using R = ctnn::residual_layer<In, Specs...>;
  template <std::size_t I>
  using body = ref_layer<typename R::template layer_type<I>>;
  static constexpr std::size_t n = R::layer_count;
  template <std::size_t... I>
  static constexpr std::size_t sum_states(std::index_sequence<I...>) {
    return (std::size_t{0} + ... + body<I>::state_size);
  }
  static constexpr std::size_t state_size = sum_states(std::make_index_sequence<n>{});
  template <class S>
  static void load(const S& s, double* d) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((body<I>::load(boost::hana::at_c<I>(s), d), d += body<I>::state_size), ...);
    }(std::make_index_sequence<n>{});
  }
  static void step(const double* p, double* st, const double* x, double* y) {
    std::vector<double> a(x, x + In), b;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((b.assign(R::template layer_type<I>::out_extent, 0.0), body<I>::step(p, st, a.data(), b.data()),
        p += R::template layer_type<I>::parameter_count, st += body<I>::state_size, a = b),
       ...);
    }(std::make_index_sequence<n>{});
    for (std::size_t i = 0; i < In; ++i) y[i] = x[i] + a[i];
  }
};

/// A network through time in double: Batch sequences from the given
/// starting states (each Net::state_type), outputs [b][t][o].
template <class Net>
struct ref_net {
  template <std::size_t I>
  using layer = ref_layer<typename Net::template layer_type<I>>;
  static constexpr std::size_t n = Net::layer_count;
  template <std::size_t... I>
  static constexpr std::size_t sum_states(std::index_sequence<I...>) {
    return (std::size_t{0} + ... + layer<I>::state_size);
  }
  static constexpr std::size_t state_size = sum_states(std::make_index_sequence<n>{});

  static std::vector<double> load(const typename Net::state_type& s) {
    std::vector<double> d(state_size + 1);
    double* q = d.data();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((layer<I>::load(boost::hana::at_c<I>(s), q), q += layer<I>::state_size), ...);
    }(std::make_index_sequence<n>{});
    return d;
  }
  /// Runs `steps` steps of one sequence from `state` (advanced); x [t][in].
  static std::vector<double> run(const std::vector<double>& p, std::vector<double>& state, const double* x,
                                 std::size_t steps) {
    std::vector<double> y(steps * Net::output_size);
    for (std::size_t t = 0; t < steps; ++t) {
      std::vector<double> a(x + t * Net::input_size, x + (t + 1) * Net::input_size), b;
      const double* q = p.data();
      double* st = state.data();
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((b.assign(Net::template layer_type<I>::out_extent, 0.0), layer<I>::step(q, st, a.data(), b.data()),
          q += Net::template layer_type<I>::parameter_count, st += layer<I>::state_size, a = b),
         ...);
      }(std::make_index_sequence<n>{});
      for (std::size_t o = 0; o < Net::output_size; ++o) y[t * Net::output_size + o] = a[o];
    }
    return y;
  }
};

/// The window losses in double: mse (mean over everything) and ESR with
/// pre-emphasis c (steps 1… of each sequence when c ≠ 0), y and t [b][s][o].
inline double mse_double(const std::vector<double>& y, const std::vector<double>& t) {
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += (y[i] - t[i]) * (y[i] - t[i]);
  return s / static_cast<double>(y.size());
}
inline double esr_double(const std::vector<double>& y, const std::vector<double>& t, std::size_t batch,
                         std::size_t steps, std::size_t outputs, double c) {
  const std::size_t first = c != 0 ? 1 : 0;
  double err = 0, energy = 0, n = 0;
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t s = first; s < steps; ++s)
      for (std::size_t o = 0; o < outputs; ++o) {
        const std::size_t i = (b * steps + s) * outputs + o;
        const double ey = first ? y[i] - c * y[i - outputs] : y[i];
        const double et = first ? t[i] - c * t[i - outputs] : t[i];
        err += (ey - et) * (ey - et);
        energy += et * et;
        n += 1;
      }
  return (err / n) / (energy / n + 1e-5);
}

}  // namespace ctnn_test
