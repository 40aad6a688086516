// SPDX-License-Identifier: Apache-2.0
// The sequence layers' Highway kernels (GRU, LSTM, causal Conv1D) against
// their scalar references, on every target this machine supports, step by
// step each step from the same state: hidden sizes 1, 3, 8, 15, 16, 17, 33, 64 (and
// input extents 1, 5, 16, 33), kernel sizes 1–5 with dilations 1, 2, 4; and
// the gate kernels of the GRU/LSTM training step (BPTT) at the same sizes;
// and Conv1D's forward_sequence kernel against its steps, and the GRU/LSTM
// sequence path's input-projection GEMM against the step's, bit for bit.

// Built as two executables (tests/CMakeLists.txt), so that the halves of
// this slow TU compile in parallel: CTNN_SEQUENCE_KERNELS_PART 1 = the GRU
// steps and Conv1D, 2 = the LSTM steps, the gate activations and the BPTT
// gate kernels; undefined = everything.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sequence_kernels.test.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ctnn/layers/conv1d-inl.hpp"
#include "ctnn/layers/recurrent-inl.hpp"

#ifndef CTNN_SEQUENCE_KERNELS_TEST_ONCE_
#define CTNN_SEQUENCE_KERNELS_TEST_ONCE_
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

#include "compare.hpp"
#include "ctnn/random.hpp"
#include "test_util.hpp"

namespace ctnn_test {
inline constexpr std::array<std::size_t, 8> kHidden = {1, 3, 8, 15, 16, 17, 33, 64};
inline constexpr std::size_t kSteps = 24;

/// Every parameter from U(−scale, scale): larger than PyTorch's default so
/// that the gates leave their linear range.
template <class Layer>
void randomize_all(Layer& layer, std::uint64_t seed, float scale) {
  ctnn::rng g(seed);
  layer.for_each_parameter([&](float& p) { p = uniform(g, -scale, scale); });
}
}  // namespace ctnn_test
#endif

HWY_BEFORE_NAMESPACE();
namespace ctnn_test::HWY_NAMESPACE {
namespace k = ctnn::HWY_NAMESPACE;

std::int64_t CurrentTarget() { return HWY_TARGET; }

#if CTNN_SEQUENCE_KERNELS_PART != 1
/// The gate activations on 2^20 + 2 inputs spread over [−30, 30] (every
/// target; tools/accuracy/tanh_ulp checks every float on the static one):
/// out[0] = worst GateTanh ulp, out[1] = worst GateSigmoid absolute error,
/// out[2] = NaN inputs that did not come out NaN.
void GateErrors(double* out) {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  alignas(64) float in[hn::MaxLanes(d)], t[hn::MaxLanes(d)], s[hn::MaxLanes(d)];
  out[0] = out[1] = out[2] = 0;
  constexpr std::size_t kCount = (std::size_t{1} << 20) + 2;
  for (std::size_t i = 0; i < kCount; i += N) {
    for (std::size_t j = 0; j < N; ++j) {
      const std::size_t at = i + j;
      in[j] = at == kCount - 2 ? std::numeric_limits<float>::quiet_NaN()
                               : static_cast<float>(-30.0 + 60.0 * static_cast<double>(at) / (kCount - 3));
    }
    hn::Store(k::GateTanh(d, hn::Load(d, in)), d, t);
    hn::Store(k::GateSigmoid(d, hn::Load(d, in)), d, s);
    for (std::size_t j = 0; j < N && i + j < kCount; ++j) {
      if (std::isnan(in[j])) {
        out[2] += !std::isnan(t[j]) + !std::isnan(s[j]);
        continue;
      }
      const double x = in[j];
      out[0] = std::max<double>(out[0], static_cast<double>(ulp_distance(t[j], static_cast<float>(std::tanh(x)))));
      out[1] = std::max(out[1], std::abs(s[j] - 1.0 / (1.0 + std::exp(-x))));
    }
  }
}
#endif

/// Σ of the magnitudes of the terms output o depends on (all its gate sums,
/// inputs and state): float accumulation errors scale with it.
template <class Cell, std::size_t In, std::size_t H>
double Magnitude(const ctnn::recurrent_layer<Cell, In, H>& l,
                 const typename ctnn::recurrent_layer<Cell, In, H>::state& s, const float* x, std::size_t o) {
  double m = 0;
  if (o >= H) return 0.0;
  for (std::size_t g = 0; g < Cell::gates; ++g) {
    const std::size_t gu = g * H + o;
    m += std::abs(l.bias_ih(gu)) + std::abs(l.bias_hh(gu));
    for (std::size_t i = 0; i < In; ++i) m += std::abs(static_cast<double>(l.weight_ih(gu, i)) * x[i]);
    for (std::size_t j = 0; j < H; ++j) m += std::abs(static_cast<double>(l.weight_hh(gu, j)) * s.h[j]);
  }
  if constexpr (Cell::gates == 4) m += std::abs(s.c[o]);
  return m;
}
template <std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t D, class Act>
double Magnitude(const ctnn::conv1d_layer<Cin, Cout, K, D, Act>& l,
                 const typename ctnn::conv1d_layer<Cin, Cout, K, D, Act>::state& s, const float* x, std::size_t o) {
  if (o >= Cout) return 0.0;
  double m = std::abs(l.bias(o));
  for (std::size_t k = 0; k < K; ++k) {
    const float* in = l.tap_input(s, x, k);
    for (std::size_t i = 0; i < Cin; ++i) m += std::abs(static_cast<double>(l.weight(o, i, k)) * in[i]);
  }
  return m;
}

/// kSteps steps of a stateful layer through its kernel, each step compared
/// with the scalar forward from the same state (a copy): every output within
/// 2e-6·Magnitude + 4 ulp (float sums and the SIMD activations against
/// double sums), padding lanes equal to the reference's (0 or act(0)); the
/// states after the step agree as closely. The kernel's state is carried on,
/// so the steps visit saturated gates and long histories.
template <class Layer>
void CompareSteps(Compare& c, std::uint64_t seed, float scale) {
  auto layer = std::make_unique<Layer>();
  randomize_all(*layer, seed, scale);
  typename Layer::state simd{};
  ctnn::rng g(seed + 1);
  for (std::size_t t = 0; t < kSteps; ++t) {
    alignas(64) float x[Layer::in_padded];
    for (std::size_t i = 0; i < Layer::in_padded; ++i) x[i] = i < Layer::in_extent ? uniform(g, -1.5f, 1.5f) : 0.0f;
    typename Layer::state ref = simd;
    double mag[Layer::out_padded];
    for (std::size_t o = 0; o < Layer::out_padded; ++o) mag[o] = Magnitude(*layer, ref, x, o);
    alignas(64) float y[Layer::out_padded];
    float r[Layer::out_padded];
    std::fill(y, y + Layer::out_padded, std::numeric_limits<float>::quiet_NaN());
    k::LayerForward(k::SimdTag(), *layer, simd, x, y);
    layer->forward(ref, x, r);
    for (std::size_t o = 0; o < Layer::out_padded; ++o)
      c.add(std::abs(static_cast<double>(y[o]) - r[o]), 2e-6 * mag[o] + 4 * 1.2e-7 * std::abs(r[o]) + 1e-30);
    if constexpr (requires { simd.h; }) {
      for (std::size_t o = 0; o < Layer::out_padded; ++o)
        c.add(std::abs(static_cast<double>(simd.h[o]) - ref.h[o]), 2e-6 * mag[o] + 4 * 1.2e-7 * std::abs(ref.h[o]) + 1e-30);
    } else {
      c.add(simd.past == ref.past && simd.next == ref.next ? 0.0 : 1.0, 0.0);
    }
  }
}

template <class Cell, std::size_t... I>
void RecurrentSizes(Compare& c, std::index_sequence<I...>) {
  (CompareSteps<ctnn::recurrent_layer<Cell, 1, kHidden[I]>>(c, 10 + I, 0.9f), ...);
  (CompareSteps<ctnn::recurrent_layer<Cell, 5, kHidden[I]>>(c, 20 + I, 0.6f), ...);
  (CompareSteps<ctnn::recurrent_layer<Cell, kHidden[I], 16>>(c, 30 + I, 0.4f), ...);
}

#if CTNN_SEQUENCE_KERNELS_PART != 2
Compare GruCompare() {
  Compare c;
  RecurrentSizes<ctnn::detail::gru_cell>(c, std::make_index_sequence<kHidden.size()>{});
  CompareSteps<ctnn::recurrent_layer<ctnn::detail::gru_cell, 33, 33>>(c, 1, 0.3f);
  return c;
}
#endif
#if CTNN_SEQUENCE_KERNELS_PART != 1
Compare LstmCompare() {
  Compare c;
  RecurrentSizes<ctnn::detail::lstm_cell>(c, std::make_index_sequence<kHidden.size()>{});
  CompareSteps<ctnn::recurrent_layer<ctnn::detail::lstm_cell, 33, 33>>(c, 2, 0.3f);
  return c;
}
#endif

#if CTNN_SEQUENCE_KERNELS_PART != 2
template <std::size_t... I>
void ConvSizes(Compare& c, std::index_sequence<I...>) {
  // Every size as the output channels, with kernels 1..5 and dilations 1, 2, 4.
  (CompareSteps<ctnn::conv1d_layer<3, kHidden[I], 1 + I % 5, 1 << (I % 3), ctnn::tanh>>(c, 40 + I, 0.5f), ...);
  (CompareSteps<ctnn::conv1d_layer<kHidden[I], 8, 3, 2, ctnn::identity>>(c, 50 + I, 0.5f), ...);
}

Compare ConvCompare() {
  Compare c;
  ConvSizes(c, std::make_index_sequence<kHidden.size()>{});
  CompareSteps<ctnn::conv1d_layer<1, 8, 3, 8, ctnn::sigmoid>>(c, 3, 0.8f);
  // Fewer channels than lanes with an activation whose act(0) is not 0: the
  // padding lanes of the last vector must still be 0.
  CompareSteps<ctnn::conv1d_layer<2, 3, 2, 1, ctnn::sigmoid>>(c, 5, 0.8f);
  CompareSteps<ctnn::conv1d_layer<2, 17, 3, 2, ctnn::sigmoid>>(c, 6, 0.8f);
  CompareSteps<ctnn::conv1d_layer<17, 33, 2, 5, ctnn::relu>>(c, 4, 0.3f);
  return c;
}

/// A conv layer's LayerForwardSequence (network::forward_sequence's) over
/// blocks of 1, 5, 64, 65 and 130 steps against LayerForward step by step
/// from the same start: every output lane, padding included, and the state
/// after each block bit for bit (the sequence kernels promise the step's
/// bits: same per-lane operations in the same order).
template <class Layer>
void CompareSequence(Compare& c, std::uint64_t seed, float scale) {
  constexpr std::size_t Ip = Layer::in_padded, Op = Layer::out_padded;
  constexpr std::size_t kBlocks[] = {1, 5, 64, 65, 130};
  constexpr std::size_t kTotal = 265;
  auto layer = std::make_unique<Layer>();
  randomize_all(*layer, seed, scale);
  struct Rows {
    alignas(64) float x[kTotal * Ip];
    alignas(64) float ys[kTotal * Op];
    alignas(64) float yb[kTotal * Op];
  };
  const auto buf = std::make_unique<Rows>();
  float* x = buf->x;
  float* ys = buf->ys;
  float* yb = buf->yb;
  ctnn::rng g(seed + 1);
  for (std::size_t k = 0; k < kTotal * Ip; ++k) x[k] = k % Ip < Layer::in_extent ? uniform(g, -1.5f, 1.5f) : 0.0f;
  std::fill(yb, yb + kTotal * Op, std::numeric_limits<float>::quiet_NaN());
  typename Layer::state step{}, block{};
  std::size_t at = 0;
  for (std::size_t n : kBlocks) {
    for (std::size_t t = at; t < at + n; ++t) k::LayerForward(k::SimdTag(), *layer, step, x + t * Ip, ys + t * Op);
    k::LayerForwardSequence(k::SimdTag(), *layer, block, n, x + at * Ip, Ip, yb + at * Op);
    at += n;
    c.add(step.past == block.past && step.next == block.next ? 0.0 : 1.0, 0.0);
  }
  for (std::size_t k = 0; k < kTotal * Op; ++k) c.add(ys[k] == yb[k] ? 0.0 : 1.0, 0.0);
}

/// The GRU/LSTM sequence path's input projections (LayerForwardSequence of
/// a cell above 28 KB: one Gemm over up to kProjectionChunk steps) against
/// the step's InputProjection, row by row: the same bits on every target
/// (per lane one Fma chain in input order from the bias, in both). In = 1,
/// 5, 16, 17, 33, 64 and rows of G·Hp = 48 … 256 floats; 1, 5, 21 steps.
template <std::size_t In, std::size_t Row>
void CompareProjection(Compare& c, std::uint64_t seed) {
  constexpr std::size_t kSteps = 21;
  struct Buffers {
    alignas(64) float w[In * Row];
    alignas(64) float b[Row];
    alignas(64) float x[kSteps * In];
    alignas(64) float gemm[kSteps * Row];
    alignas(64) float step[Row];
  };
  const auto buf = std::make_unique<Buffers>();
  ctnn::rng g(seed);
  for (float& v : buf->w) v = uniform(g, -1.0f, 1.0f);
  for (float& v : buf->b) v = uniform(g, -1.0f, 1.0f);
  for (float& v : buf->x) v = uniform(g, -1.5f, 1.5f);
  for (std::size_t n : {1u, 5u, 21u}) {
    std::fill(buf->gemm, buf->gemm + kSteps * Row, std::numeric_limits<float>::quiet_NaN());
    k::Gemm(n, In, Row, buf->x, In, 1, buf->w, Row, buf->b, buf->gemm, Row, false);
    for (std::size_t r = 0; r < n; ++r) {
      k::InputProjection<In, Row>(buf->w, buf->b, buf->x + r * In, buf->step);
      for (std::size_t j = 0; j < Row; ++j) c.add(buf->step[j] == buf->gemm[r * Row + j] ? 0.0 : 1.0, 0.0);
    }
  }
}
Compare ProjectionCompare() {
  Compare c;
  CompareProjection<1, 48>(c, 80);
  CompareProjection<5, 64>(c, 81);
  CompareProjection<16, 48>(c, 82);
  CompareProjection<17, 144>(c, 83);
  CompareProjection<33, 192>(c, 84);
  CompareProjection<64, 192>(c, 85);
  CompareProjection<64, 256>(c, 86);
  return c;
}

/// Conv1D's sequence kernel (conv1d-inl.hpp's ConvRows) at awkward channel
/// counts — 1, lanes ± 1 of 8- and 16-lane vectors, primes — and the R6
/// layers. A short list: each layer type here costs build time on every
/// target (the recurrent layers' sequence path is their step, or a Gemm
/// whose rows ProjectionCompare above checks against the step's, and
/// sequence.test.cpp checks whole layers bit for bit on the static target).
Compare SequenceCompare() {
  Compare c;
  CompareSequence<ctnn::conv1d_layer<3, 1, 2, 1, ctnn::tanh>>(c, 80, 0.5f);
  CompareSequence<ctnn::conv1d_layer<1, 7, 3, 2, ctnn::sigmoid>>(c, 81, 0.8f);
  CompareSequence<ctnn::conv1d_layer<5, 9, 1, 1, ctnn::identity>>(c, 82, 0.5f);
  CompareSequence<ctnn::conv1d_layer<15, 17, 3, 4, ctnn::tanh>>(c, 83, 0.3f);
  CompareSequence<ctnn::conv1d_layer<17, 33, 2, 5, ctnn::relu>>(c, 84, 0.3f);
  // The R6 layers; a history (3·40 = 120 steps) longer than a chunk of 64.
  CompareSequence<ctnn::conv1d_layer<1, 8, 3, 1, ctnn::tanh>>(c, 85, 0.8f);
  CompareSequence<ctnn::conv1d_layer<8, 8, 3, 8, ctnn::tanh>>(c, 86, 0.5f);
  CompareSequence<ctnn::conv1d_layer<2, 15, 4, 40, ctnn::sigmoid>>(c, 87, 0.8f);
  return c;
}

#endif

#if CTNN_SEQUENCE_KERNELS_PART != 1
/// The training step's gate kernels (RecurrentTrainForward/Backward)
/// against the layer's scalar twins (gates_forward_reference/
/// gates_backward_reference) for `rows` rows from random pre-activations,
/// states and gradients (padding lanes zero, as in a window): every output
/// within 2e-6·(1 + |ref|) (the SIMD activations are ≤ 4 ulp, products
/// fused or not), and every padding lane exactly zero.
template <class Layer>
void CompareTrainGates(Compare& c, std::uint64_t seed) {
  constexpr std::size_t Hp = Layer::hidden_padded, R = Layer::row, H = Layer::hidden, rows = 3;
  constexpr bool lstm = Layer::gates == 4;
  auto layer = std::make_unique<Layer>();
  ctnn::rng g(seed);
  auto fill = [&](float* p, std::size_t n, std::size_t width, float lo, float hi) {
    for (std::size_t k = 0; k < n; ++k) p[k] = k % width % Hp < H ? uniform(g, lo, hi) : 0.0f;
  };
  alignas(64) float a0[rows * R], gh[rows * R], hp[rows * Hp], cp[rows * Hp];
  fill(a0, rows * R, Hp, -4.0f, 4.0f);
  fill(gh, rows * R, Hp, -2.0f, 2.0f);
  fill(hp, rows * Hp, Hp, -1.0f, 1.0f);
  fill(cp, rows * Hp, Hp, -2.0f, 2.0f);
  if constexpr (lstm)  // the LSTM's A already holds gx + gh
    for (std::size_t k = 0; k < rows * R; ++k) a0[k] += gh[k];
  auto close = [&](const float* simd, const float* ref, std::size_t n, std::size_t width) {
    for (std::size_t k = 0; k < n; ++k) {
      if (k % width % Hp >= H) {
        c.add(simd[k] == 0.0f ? 0.0 : 1.0, 0.0);
      } else {
        c.add(std::abs(static_cast<double>(simd[k]) - ref[k]), 2e-6 * (1.0 + std::abs(ref[k])));
      }
    }
  };
  // Forward.
  alignas(64) float as[rows * R], ar[rows * R], auxs[rows * Hp], auxr[rows * Hp], tcs[rows * Hp], tcr[rows * Hp],
      hs[rows * Hp], hr[rows * Hp];
  std::copy(a0, a0 + rows * R, as);
  std::copy(a0, a0 + rows * R, ar);
  std::fill(tcs, tcs + rows * Hp, 0.0f);
  std::fill(tcr, tcr + rows * Hp, 0.0f);
  k::RecurrentTrainForward(k::SimdTag(), *layer, as, gh, hp, cp, auxs, tcs, hs, rows);
  Layer::gates_forward_reference(ar, gh, hp, cp, auxr, tcr, hr, rows);
  for (std::size_t k = 0; k < rows * R; ++k)  // activated gates: padding lanes hold act(0), unread
    if (k % Hp < H) c.add(std::abs(static_cast<double>(as[k]) - ar[k]), 2e-6 * (1.0 + std::abs(ar[k])));
  close(auxs, auxr, rows * Hp, Hp);
  close(hs, hr, rows * Hp, Hp);
  if constexpr (lstm) close(tcs, tcr, rows * Hp, Hp);
  // Backward, both from the reference's gates.
  alignas(64) float dy[rows * Hp], dh0[rows * Hp], dc0[rows * Hp];
  fill(dy, rows * Hp, Hp, -1.0f, 1.0f);
  fill(dh0, rows * Hp, Hp, -1.0f, 1.0f);
  fill(dc0, rows * Hp, Hp, -1.0f, 1.0f);
  alignas(64) float bs[rows * R], br[rows * R], gs[rows * R], gr[rows * R], dhs[rows * Hp], dhr[rows * Hp],
      dcs[rows * Hp], dcr[rows * Hp], dbis[R], dbir[R], dbhs[R], dbhr[R];
  std::copy(ar, ar + rows * R, bs);
  std::copy(ar, ar + rows * R, br);
  std::copy(dh0, dh0 + rows * Hp, dhs);
  std::copy(dh0, dh0 + rows * Hp, dhr);
  std::copy(dc0, dc0 + rows * Hp, dcs);
  std::copy(dc0, dc0 + rows * Hp, dcr);
  for (std::size_t k = 0; k < R; ++k)  // they accumulate; padding lanes zero, as in a window
    dbis[k] = dbir[k] = dbhs[k] = dbhr[k] = k % Hp < H ? 0.5f : 0.0f;
  k::RecurrentTrainBackward(k::SimdTag(), *layer, bs, gs, auxr, tcr, hp, cp, dy, dhs, dcs, dbis, dbhs, rows);
  Layer::gates_backward_reference(br, gr, auxr, tcr, hp, cp, dy, dhr, dcr, dbir, dbhr, rows);
  close(bs, br, rows * R, Hp);
  close(dbis, dbir, R, Hp);
  if constexpr (lstm) {
    close(dcs, dcr, rows * Hp, Hp);
  } else {
    close(gs, gr, rows * R, Hp);
    close(dhs, dhr, rows * Hp, Hp);
    close(dbhs, dbhr, R, Hp);
  }
}

template <std::size_t... I>
void TrainGateSizes(Compare& c, std::index_sequence<I...>) {
  (CompareTrainGates<ctnn::recurrent_layer<ctnn::detail::gru_cell, 2, kHidden[I]>>(c, 60 + I), ...);
  (CompareTrainGates<ctnn::recurrent_layer<ctnn::detail::lstm_cell, 2, kHidden[I]>>(c, 70 + I), ...);
}
Compare TrainGatesCompare() {
  Compare c;
  TrainGateSizes(c, std::make_index_sequence<kHidden.size()>{});
  return c;
}
#endif

}  // namespace ctnn_test::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <catch2/catch.hpp>

#include "all_targets.hpp"

namespace ctnn_test {
HWY_EXPORT(CurrentTarget);
#if CTNN_SEQUENCE_KERNELS_PART != 2
HWY_EXPORT(GruCompare);
HWY_EXPORT(ConvCompare);
HWY_EXPORT(SequenceCompare);
HWY_EXPORT(ProjectionCompare);
#endif
#if CTNN_SEQUENCE_KERNELS_PART != 1
HWY_EXPORT(LstmCompare);
HWY_EXPORT(GateErrors);
HWY_EXPORT(TrainGatesCompare);
#endif

template <class F>
void ForEachTarget(F&& body) {
  for_each_target([] { return HWY_DYNAMIC_DISPATCH(CurrentTarget)(); }, body);
}

/// `compare` (a step comparison, dispatched) on every target with both
/// step widths: AVX-512 targets run cells of <= 8 units on 256- or 512-bit
/// vectors, chosen by the CPU's vendor — both, whatever this CPU is.
template <class F>
void CheckStepsBothWidths(F compare) {
  for (const auto width : {ctnn::detail::step_width::half, ctnn::detail::step_width::full}) {
    const ctnn_test::step_width_scope scope(width);
    ForEachTarget([&] {
      const Compare c = compare();
      INFO("step width " << (ctnn::detail::half_width_small_steps() ? "half" : "full") << ", compared " << c.count
                         << ", worst at #" << c.worst_at << " error " << c.worst_err);
      CHECK(c.count > 10000);
      CHECK(c.worst <= 1.0);
    });
  }
}

#if CTNN_SEQUENCE_KERNELS_PART != 1
TEST_CASE("sequence kernels: gate tanh within 5 ulp, gate sigmoid within 2e-7, NaN kept, on every target",
          "[kernels][gates]") {
  ForEachTarget([] {
    double e[3];
    HWY_DYNAMIC_DISPATCH(GateErrors)(e);
    INFO("gate tanh " << e[0] << " ulp, gate sigmoid " << e[1] << " absolute, NaN lost " << e[2]);
    CHECK(e[0] <= 5);
    CHECK(e[1] <= 2e-7);
    CHECK(e[2] == 0);
  });
}
#endif
#if CTNN_SEQUENCE_KERNELS_PART != 2
TEST_CASE("sequence kernels: GRU steps match the scalar reference on every target, both step widths",
          "[kernels][gru]") {
  CheckStepsBothWidths([] { return HWY_DYNAMIC_DISPATCH(GruCompare)(); });
}
#endif
#if CTNN_SEQUENCE_KERNELS_PART != 1
TEST_CASE("sequence kernels: LSTM steps match the scalar reference on every target, both step widths",
          "[kernels][lstm]") {
  CheckStepsBothWidths([] { return HWY_DYNAMIC_DISPATCH(LstmCompare)(); });
}
TEST_CASE("sequence kernels: GRU/LSTM training-step gates (forward and backward) match their scalar twins on every target",
          "[kernels][gru][lstm][training]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(TrainGatesCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 10000);
    CHECK(c.worst <= 1.0);
  });
}
#endif
#if CTNN_SEQUENCE_KERNELS_PART != 2
TEST_CASE("sequence kernels: causal Conv1D steps match the scalar reference on every target", "[kernels][conv1d]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(ConvCompare)();
    INFO("compared " << c.count << ", worst at #" << c.worst_at << " error " << c.worst_err);
    CHECK(c.count > 5000);
    CHECK(c.worst <= 1.0);
  });
}
TEST_CASE("sequence kernels: Conv1D's forward_sequence kernel gives the step kernel's bits on every target",
          "[kernels][conv1d][forward_sequence]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(SequenceCompare)();
    INFO("compared " << c.count << ", first differing at #" << c.worst_at);
    CHECK(c.count > 20000);
    CHECK(c.worst == 0.0);
  });
}
TEST_CASE("sequence kernels: GRU/LSTM forward_sequence's input-projection GEMM gives the step's bits on every target",
          "[kernels][gru][lstm][forward_sequence]") {
  ForEachTarget([] {
    const Compare c = HWY_DYNAMIC_DISPATCH(ProjectionCompare)();
    INFO("compared " << c.count << ", first differing at #" << c.worst_at);
    CHECK(c.count == 27 * (48 + 64 + 48 + 144 + 192 + 192 + 256));
    CHECK(c.worst == 0.0);
  });
}
#endif
}  // namespace ctnn_test
#endif
