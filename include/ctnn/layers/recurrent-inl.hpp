// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/recurrent-inl.hpp — the Highway kernels of the GRU and LSTM
// layers (recurrent.hpp): one time step = the input projection
// gx = b_ih + W_ih·x (it does not depend on the state: a sequence computes
// it for many steps at once), then the recurrent part W_hh·h + b_hh and the
// gate equations, for as many vectors of hidden units at once as the
// registers hold.
// Re-included once per target (per-target include guard).
//
// Accuracy: float sums (the input projection in input order, one FMA chain
// per lane, exactly as the GEMM computes it; the recurrent sum in up to four
// interleaved partial sums) and the gate activations GateSigmoid/GateTanh
// (activation-inl.hpp); the all-target tests (tests/kernels/
// sequence_kernels) bound the difference from the double-sum scalar
// reference step by step.

#if defined(CTNN_LAYERS_RECURRENT_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_RECURRENT_INL_HPP_
#undef CTNN_LAYERS_RECURRENT_INL_HPP_
#else
#define CTNN_LAYERS_RECURRENT_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>
#include <type_traits>

#include "ctnn/detail/cpu.hpp"
#include "ctnn/kernels/activation-inl.hpp"
#include "ctnn/kernels/gemm-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/dense-inl.hpp"  // PairwiseSum
#include "ctnn/layers/recurrent.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// The vectors of a causal convolution's step (conv1d-inl.hpp): on the
/// AVX-512 targets, 256-bit vectors up to 32 padded channels (as dense's
/// small layers: a latency chain, and Zen 4 splits 512-bit operations);
/// else full width. The recurrent step picks its own (RecurrentStep below).
template <std::size_t HiddenPadded>
using RecurrentTag =
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    std::conditional_t<(HiddenPadded <= 32), hn::CappedTag<float, 8>, FloatTag>;
#else
    FloatTag;
#endif

/// out[c] = b[c] + Σ_{i<In} x[i]·W[i·Row + c] for c < Row: per lane one FMA
/// chain in input order from the bias — the order of Gemm (gemm-inl.hpp),
/// so a sequence that projects all its steps by one GEMM gets the same bits.
#if HWY_HAVE_SCALABLE
template <std::size_t In, std::size_t Row>
HWY_INLINE void InputProjection(const float* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                                const float* HWY_RESTRICT x, float* HWY_RESTRICT out) {
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t c = 0; c < Row; c += N) {
    auto a0 = hn::Load(d, b + c);
    for (std::size_t i = 0; i < In; ++i) a0 = Fma(hn::Set(d, x[i]), hn::Load(d, w + i * Row + c), a0);
    hn::Store(a0, d, out + c);
  }
}
#else
/// NV column vectors from column c0 on, all at once: NV independent chains.
template <std::size_t In, std::size_t Row, std::size_t NV, class D>
HWY_INLINE void ProjectColumns(D d, const float* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                               const float* HWY_RESTRICT x, float* HWY_RESTRICT out) {
  using V = hn::Vec<D>;
  constexpr std::size_t N = hn::MaxLanes(D());
  V acc[NV];
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) acc[k] = hn::Load(d, b + k * N);
  for (std::size_t i = 0; i < In; ++i) {
    const V xi = hn::Set(d, x[i]);
    CTNN_UNROLL_ALL
    for (std::size_t k = 0; k < NV; ++k) acc[k] = Fma(xi, hn::Load(d, w + i * Row + k * N), acc[k]);
  }
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < NV; ++k) hn::Store(acc[k], d, out + k * N);
}
/// Row / N vectors in groups of up to 12 (all of them for a small row).
template <std::size_t In, std::size_t Row, std::size_t Left, class D>
HWY_INLINE void ProjectGroups(D d, const float* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                              const float* HWY_RESTRICT x, float* HWY_RESTRICT out) {
  constexpr std::size_t N = hn::MaxLanes(D());
  constexpr std::size_t NV = Left > 12 ? 12 : Left;
  if constexpr (NV > 0) {
    ProjectColumns<In, Row, NV>(d, w, b, x, out);
    ProjectGroups<In, Row, Left - NV>(d, w + NV * N, b + NV * N, x, out + NV * N);
  }
}
template <std::size_t In, std::size_t Row>
HWY_INLINE void InputProjection(const float* HWY_RESTRICT w, const float* HWY_RESTRICT b,
                                const float* HWY_RESTRICT x, float* HWY_RESTRICT out) {
  const FloatTag d;
  ProjectGroups<In, Row, Row / hn::MaxLanes(FloatTag())>(d, w, b, x, out);
}
#endif

/// Whether gate g's input sum is added to its recurrent sum before the
/// activation (every gate but the GRU's n, where r multiplies the recurrent
/// part alone): the step then starts that gate's accumulator from
/// gx + b_hh, off the dependency chain.
template <class Cell>
constexpr bool FoldsInput(std::size_t g) {
  return Cell::gates == 4 || g < 2;
}

/// The GRU's equations for one vector of hidden units, from the r and z
/// pre-activation sums, the recurrent sum of n (b_hn included), the input
/// sum of n and the previous h: h' = (1 − z)·n + z·h.
template <class D, class V>
HWY_INLINE V GruUpdate(D d, V ar, V az, V ghn, V gxn, V h) {
  // r·gh_n with r = (1 + T)/2, T = tanh(a_r/2): gh_n/2 + (gh_n/2)·T, one
  // FMA after T instead of two.
  const V half = hn::Set(d, 0.5f);
  const V hgn = hn::Mul(half, ghn);
  const V n = GateTanh(d, Fma(hgn, GateTanh<true>(d, ar), hn::Add(gxn, hgn)));
  const V z = GateSigmoid(d, az);
  return Fma(hn::Sub(hn::Set(d, 1.0f), z), n, hn::Mul(z, h));
}
/// The LSTM's equations from the four pre-activation sums; the cell state
/// at c is updated in place; returns h' = o·tanh(c').
template <class D, class V>
HWY_INLINE V LstmUpdate(D d, V ai, V af, V ag, V ao, float* HWY_RESTRICT c) {
  const V cn = Fma(GateSigmoid(d, af), hn::Load(d, c), hn::Mul(GateSigmoid(d, ai), GateTanh(d, ag)));
  hn::Store(cn, d, c);
  return hn::Mul(GateSigmoid(d, ao), GateTanh(d, cn));
}

#if HWY_HAVE_SCALABLE
/// The recurrent part and the gates of one step, from the input projection
/// gx (row floats, aligned) — scalable vectors (SVE: no arrays of vectors,
/// the width known at run time): one vector of hidden units at a time, one
/// accumulator per gate. y[0, out_padded) = h', and h' → s.h.
template <class Cell, std::size_t In, std::size_t H>
HWY_INLINE void RecurrentStep(const recurrent_layer<Cell, In, H>& layer,
                              typename recurrent_layer<Cell, In, H>::state& s, const float* HWY_RESTRICT gx,
                              float* HWY_RESTRICT y) {
  using L = recurrent_layer<Cell, In, H>;
  constexpr std::size_t Hp = L::hidden_padded, R = L::row;
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const float* HWY_RESTRICT h = s.h.data();
  std::size_t u = 0;
  for (; u < H; u += N) {
    const float* HWY_RESTRICT w = layer.hh_data() + u;
    const float* HWY_RESTRICT b = layer.bias_hh_data() + u;
    auto a0 = hn::Add(hn::Load(d, b), hn::Load(d, gx + u));
    auto a1 = hn::Add(hn::Load(d, b + Hp), hn::Load(d, gx + Hp + u));
    auto a2 = hn::Load(d, b + 2 * Hp);
    if constexpr (L::gates == 4) a2 = hn::Add(a2, hn::Load(d, gx + 2 * Hp + u));
    auto a3 = hn::Zero(d);
    if constexpr (L::gates == 4) a3 = hn::Add(hn::Load(d, b + 3 * Hp), hn::Load(d, gx + 3 * Hp + u));
    for (std::size_t j = 0; j < H; ++j) {
      const auto hj = hn::Set(d, h[j]);
      a0 = Fma(hj, hn::Load(d, w + j * R), a0);
      a1 = Fma(hj, hn::Load(d, w + j * R + Hp), a1);
      a2 = Fma(hj, hn::Load(d, w + j * R + 2 * Hp), a2);
      if constexpr (L::gates == 4) a3 = Fma(hj, hn::Load(d, w + j * R + 3 * Hp), a3);
    }
    if constexpr (L::gates == 3) {
      hn::Store(GruUpdate(d, a0, a1, a2, hn::Load(d, gx + 2 * Hp + u), hn::Load(d, h + u)), d, y + u);
    } else {
      hn::Store(LstmUpdate(d, a0, a1, a2, a3, s.c.data() + u), d, y + u);
    }
  }
  // (u + N <= Hp rather than u < Hp: g++ 12 cannot see that u is a
  // multiple of N and warns of a store past the end.)
  for (; u + N <= Hp; u += N) hn::Store(hn::Zero(d), d, y + u);
  for (u = 0; u + N <= Hp; u += N) hn::Store(hn::Load(d, y + u), d, s.h.data() + u);
}

#else
/// Accumulators a step may keep in registers: three quarters of them (24
/// of 32 on AVX-512 and NEON, 12 of 16 on AVX2 and SSE4).
inline constexpr std::size_t kRecurrentRegisters = kVectorRegisters / 4 * 3;

/// acc[g·P + p] += h_j · row[g·Hp + p·N]: one hidden unit's row of W_hh
/// for G gates × P vectors.
template <std::size_t G, std::size_t P, std::size_t Hp, class D, class V = hn::Vec<D>>
HWY_INLINE void AccumulateRow(D d, V (&acc)[G * P], float hj, const float* HWY_RESTRICT row) {
  constexpr std::size_t N = hn::MaxLanes(D());
  const V b = hn::Set(d, hj);
  CTNN_UNROLL_ALL
  for (std::size_t g = 0; g < G; ++g) {
    CTNN_UNROLL_ALL
    for (std::size_t p = 0; p < P; ++p) acc[g * P + p] = Fma(b, hn::Load(d, row + g * Hp + p * N), acc[g * P + p]);
  }
}

/// P vectors of hidden units from unit u0 on, all G gates at once: G·P·S
/// accumulators — S interleaved partial sums over j (j mod S) shorten the
/// chain of a small cell — then the cell equations; h' goes to y and hn.
/// Reads the previous state from h (which must not be hn when several
/// groups make up the step).
template <class Layer, std::size_t P, std::size_t S, class D>
HWY_INLINE void RecurrentGroup(D d, const Layer& layer, const float* h, const float* HWY_RESTRICT gx,
                               std::size_t u0, float* HWY_RESTRICT c, float* HWY_RESTRICT y, float* hn_out) {
  using V = hn::Vec<D>;
  constexpr std::size_t N = hn::MaxLanes(D());
  constexpr std::size_t G = Layer::gates, H = Layer::hidden, Hp = Layer::hidden_padded, R = Layer::row;
  const float* HWY_RESTRICT wh = layer.hh_data() + u0;
  const float* HWY_RESTRICT bh = layer.bias_hh_data() + u0;
  V acc[S][G * P];
  CTNN_UNROLL_ALL
  for (std::size_t g = 0; g < G; ++g) {
    CTNN_UNROLL_ALL
    for (std::size_t p = 0; p < P; ++p) {
      const V b = hn::Load(d, bh + g * Hp + p * N);
      acc[0][g * P + p] = FoldsInput<typename Layer::cell>(g) ? hn::Add(b, hn::Load(d, gx + g * Hp + u0 + p * N)) : b;
      CTNN_UNROLL_ALL
      for (std::size_t k = 1; k < S; ++k) acc[k][g * P + p] = hn::Zero(d);
    }
  }
  std::size_t j = 0;
  for (; j + S <= H; j += S) {
    CTNN_UNROLL_ALL
    for (std::size_t k = 0; k < S; ++k) AccumulateRow<G, P, Hp>(d, acc[k], h[j + k], wh + (j + k) * R);
  }
  CTNN_UNROLL_ALL
  for (std::size_t k = 0; k < S; ++k)
    if (j + k < H) AccumulateRow<G, P, Hp>(d, acc[k], h[j + k], wh + (j + k) * R);
  CTNN_UNROLL_ALL
  for (std::size_t p = 0; p < P; ++p) {
    V sums[G];
    CTNN_UNROLL_ALL
    for (std::size_t g = 0; g < G; ++g) sums[g] = PairwiseSum<0, S>(acc, g * P + p);
    const std::size_t u = u0 + p * N;
    V next;
    if constexpr (G == 3) {
      next = GruUpdate(d, sums[0], sums[1], sums[2], hn::Load(d, gx + 2 * Hp + u), hn::Load(d, h + u));
    } else {
      next = LstmUpdate(d, sums[0], sums[1], sums[2], sums[3], c + u);
    }
    hn::Store(next, d, y + u);
    hn::Store(next, d, hn_out + u);
  }
}

/// Groups of P vectors, then the remaining NP % P (compile-time recursion).
template <class Layer, std::size_t NP, std::size_t P, std::size_t S, class D>
HWY_INLINE void RecurrentGroups(D d, const Layer& layer, const float* h, const float* gx, std::size_t u0, float* c,
                                float* y, float* hn_out) {
  constexpr std::size_t N = hn::MaxLanes(D());
  if constexpr (NP >= P) {
    RecurrentGroup<Layer, P, S>(d, layer, h, gx, u0, c, y, hn_out);
    RecurrentGroups<Layer, NP - P, P, S>(d, layer, h, gx, u0 + P * N, c, y, hn_out);
  } else if constexpr (NP > 0) {
    RecurrentGroup<Layer, NP, S>(d, layer, h, gx, u0, c, y, hn_out);
  }
}

/// The recurrent part and the gates of one step on vectors of tag D, from
/// the input projection gx (row floats, aligned): the hidden units in NP
/// vectors, as few groups as the registers allow (all G gates of a vector
/// together); h' is written to y and to s.h straight from the registers.
/// y[H, out_padded) = 0.
template <class D, class Cell, std::size_t In, std::size_t H>
HWY_INLINE void RecurrentStepOn(D d, const recurrent_layer<Cell, In, H>& layer,
                                typename recurrent_layer<Cell, In, H>::state& s, const float* HWY_RESTRICT gx,
                                float* HWY_RESTRICT y) {
  using L = recurrent_layer<Cell, In, H>;
  constexpr std::size_t G = L::gates, Hp = L::hidden_padded;
  constexpr std::size_t N = hn::MaxLanes(D());
  constexpr std::size_t NP = (H + N - 1) / N;
  constexpr std::size_t P = kRecurrentRegisters / G < NP ? (kRecurrentRegisters / G > 0 ? kRecurrentRegisters / G : 1) : NP;
  constexpr std::size_t S0 = kRecurrentRegisters / (G * P);
  constexpr std::size_t S = S0 < 1 ? 1 : (S0 > 4 ? 4 : (S0 > H ? H : S0));
  float* c = G == 4 ? s.c.data() : nullptr;
  if constexpr (NP == P) {
    // One group reads all of h before it writes any: update s.h in place.
    RecurrentGroups<L, NP, P, S>(d, layer, s.h.data(), gx, 0, c, y, s.h.data());
  } else {
    alignas(alignment) float h[Hp];
    for (std::size_t u = 0; u < Hp; u += N) hn::Store(hn::Load(d, s.h.data() + u), d, h + u);
    RecurrentGroups<L, NP, P, S>(d, layer, h, gx, 0, c, y, s.h.data());
  }
  for (std::size_t u = NP * N; u + N <= Hp; u += N) hn::Store(hn::Zero(d), d, y + u);
}

/// One step. On the AVX-512 targets a cell of at most 8 hidden units is one
/// vector of 8 or of 16 lanes, the same bits either way; which is faster
/// depends on the CPU, not the target (detail::half_width_small_steps():
/// 256-bit on AMD, whose Zen 4 splits 512-bit operations, 512-bit on Intel).
template <class Cell, std::size_t In, std::size_t H>
HWY_INLINE void RecurrentStep(const recurrent_layer<Cell, In, H>& layer,
                              typename recurrent_layer<Cell, In, H>::state& s, const float* HWY_RESTRICT gx,
                              float* HWY_RESTRICT y) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (H <= 8) {
    if (ctnn::detail::half_width_small_steps()) {
      RecurrentStepOn(hn::CappedTag<float, 8>(), layer, s, gx, y);
      return;
    }
  }
#endif
  RecurrentStepOn(FloatTag(), layer, s, gx, y);
}
#endif  // HWY_HAVE_SCALABLE

/// One time step of a GRU or LSTM layer (see the contract in network-inl.hpp).
template <class Cell, std::size_t In, std::size_t H>
HWY_INLINE void LayerForward(SimdTag, const recurrent_layer<Cell, In, H>& layer,
                             typename recurrent_layer<Cell, In, H>::state& s, const float* HWY_RESTRICT x,
                             float* HWY_RESTRICT y) {
  using L = recurrent_layer<Cell, In, H>;
  alignas(alignment) float gx[L::row];
  InputProjection<In, L::row>(layer.ih_data(), layer.bias_ih_data(), x, gx);
  RecurrentStep(layer, s, gx, y);
}

/// Steps per input-projection GEMM of LayerForwardSequence: its gx rows
/// fill at most 16 KB of stack, 1 to 64 steps.
template <class L>
inline constexpr std::size_t kProjectionChunk = rows_within(4096, L::row, 64);

/// `rows` steps (network::forward_sequence). A cell whose weights exceed
/// 28 KB (most of an L1 cache) projects the inputs of up to kChunk steps by
/// one GEMM (the order of InputProjection, so the bits are forward()'s):
/// W_ih is then read once per chunk instead of once per step, and each step
/// streams only W_hh. A smaller cell is bound by its step's dependency
/// chain, and its input projection runs in the shadow of that chain when
/// interleaved step by step — measured on Zen 4, GEMM first made GRU-16
/// 25 % slower — so it runs its steps as forward() does.
template <class Cell, std::size_t In, std::size_t H>
HWY_INLINE void LayerForwardSequence(SimdTag, const recurrent_layer<Cell, In, H>& layer,
                                     typename recurrent_layer<Cell, In, H>::state& s, std::size_t rows,
                                     const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  using L = recurrent_layer<Cell, In, H>;
  if constexpr (L::parameter_storage * sizeof(float) <= 28 * 1024) {
    for (std::size_t r = 0; r < rows; ++r) LayerForward(SimdTag(), layer, s, X + r * ldx, Z + r * L::out_padded);
  } else {
    constexpr std::size_t kChunk = kProjectionChunk<L>;
    alignas(alignment) float gx[kChunk * L::row];
    for (std::size_t r0 = 0; r0 < rows; r0 += kChunk) {
      const std::size_t n = rows - r0 < kChunk ? rows - r0 : kChunk;
      Gemm(n, In, L::row, X + r0 * ldx, ldx, 1, layer.ih_data(), L::row, layer.bias_ih_data(), gx, L::row, false);
      for (std::size_t r = 0; r < n; ++r) RecurrentStep(layer, s, gx + r * L::row, Z + (r0 + r) * L::out_padded);
    }
  }
}

// ------------------------------------------------------------- training
// The gate equations of one step of a BPTT window (recurrent.hpp's
// train_*_sequence; their scalar loops are the constant-expression twin and
// the reference of tests/kernels/sequence_kernels), over `rows` rows — the
// Batch sequences — of H units padded to Hp. One pass per row: activations
// (Activate's sigmoid ≤ 3 ulp, tanh ≤ 4 ulp, as the dense layers train)
// and every product of the step in registers. Padding lanes need no mask:
// zero pre-activations, states and gradients there give zero h, c and
// gradients. Layouts as recurrent_layer::train_sequence_cache: rows of G·Hp
// gates (A), Hp floats for everything else.

/// LSTM forward. A: gx + gh of the four gates (in), the activated gates i f
/// g o (out); cp the previous c; writes c', tanh(c') and h' = o·tanh(c').
template <class Cell, std::size_t In, std::size_t H>
HWY_NOINLINE void RecurrentTrainForward(SimdTag, const recurrent_layer<Cell, In, H>&, float* HWY_RESTRICT A,
                                        const float* HWY_RESTRICT gh, const float* HWY_RESTRICT hp,
                                        const float* HWY_RESTRICT cp, float* HWY_RESTRICT aux,
                                        float* HWY_RESTRICT tc, float* HWY_RESTRICT h, std::size_t rows) {
  constexpr std::size_t Hp = recurrent_layer<Cell, In, H>::hidden_padded, R = Cell::gates * Hp;
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t u = 0; u < Hp; u += N) {
      float* a = A + r * R + u;
      const std::size_t at = r * Hp + u;
      if constexpr (Cell::gates == 4) {  // gh was accumulated into A
        const auto i = Activate(d, hn::Load(d, a), sigmoid{}), f = Activate(d, hn::Load(d, a + Hp), sigmoid{});
        const auto g = Activate(d, hn::Load(d, a + 2 * Hp), tanh{}), o = Activate(d, hn::Load(d, a + 3 * Hp), sigmoid{});
        const auto c = Fma(f, hn::Load(d, cp + at), hn::Mul(i, g));
        const auto t = Activate(d, c, tanh{});
        hn::Store(i, d, a), hn::Store(f, d, a + Hp), hn::Store(g, d, a + 2 * Hp), hn::Store(o, d, a + 3 * Hp);
        hn::Store(c, d, aux + at), hn::Store(t, d, tc + at), hn::Store(hn::Mul(o, t), d, h + at);
      } else {  // GRU: gh separately (r multiplies gh_n alone); aux ← gh_n
        const float* g = gh + r * R + u;
        const auto rr = Activate(d, hn::Add(hn::Load(d, a), hn::Load(d, g)), sigmoid{});
        const auto z = Activate(d, hn::Add(hn::Load(d, a + Hp), hn::Load(d, g + Hp)), sigmoid{});
        const auto ghn = hn::Load(d, g + 2 * Hp);
        const auto n = Activate(d, Fma(rr, ghn, hn::Load(d, a + 2 * Hp)), tanh{});
        hn::Store(rr, d, a), hn::Store(z, d, a + Hp), hn::Store(n, d, a + 2 * Hp), hn::Store(ghn, d, aux + at);
        hn::Store(Fma(hn::Sub(one, z), n, hn::Mul(z, hn::Load(d, hp + at))), d, h + at);
      }
    }
  }
}

/// Backward of one step from dL/dh' = dY + dh (dh: carried from the step
/// after). A: the activated gates (in), dL/d(gx) (out); G: dL/d(gh) (GRU;
/// the LSTM's is A); dc: dL/dc carried (LSTM, in/out). dh out: the GRU's
/// direct part dL/dh'·z (the caller adds W_hhᵀ·dgh); the LSTM's is unused.
/// dbi += Σ_rows dL/d(gx), dbh += Σ_rows dL/d(gh) (GRU): the bias
/// gradients, summed while the step's gradients are in registers.
template <class Cell, std::size_t In, std::size_t H>
HWY_NOINLINE void RecurrentTrainBackward(SimdTag, const recurrent_layer<Cell, In, H>&, float* HWY_RESTRICT A,
                                         float* HWY_RESTRICT G, const float* HWY_RESTRICT aux,
                                         const float* HWY_RESTRICT tc, const float* HWY_RESTRICT hp,
                                         const float* HWY_RESTRICT cp, const float* HWY_RESTRICT dY,
                                         float* HWY_RESTRICT dh, float* HWY_RESTRICT dc, float* HWY_RESTRICT dbi,
                                         float* HWY_RESTRICT dbh, std::size_t rows) {
  constexpr std::size_t Hp = recurrent_layer<Cell, In, H>::hidden_padded, R = Cell::gates * Hp;
  const FloatTag d;
  const std::size_t N = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t u = 0; u < Hp; u += N) {
      float* a = A + r * R + u;
      const std::size_t at = r * Hp + u;
      const auto dd = hn::Add(hn::Load(d, dY + at), hn::Load(d, dh + at));
      if constexpr (Cell::gates == 4) {
        const auto i = hn::Load(d, a), f = hn::Load(d, a + Hp), g = hn::Load(d, a + 2 * Hp), o = hn::Load(d, a + 3 * Hp);
        const auto t = hn::Load(d, tc + at);
        const auto dcc = Fma(hn::Mul(dd, o), Fnma(t, t, one), hn::Load(d, dc + at));
        const auto di = hn::Mul(hn::Mul(dcc, g), hn::Mul(i, hn::Sub(one, i)));
        const auto df = hn::Mul(hn::Mul(dcc, hn::Load(d, cp + at)), hn::Mul(f, hn::Sub(one, f)));
        const auto dg = hn::Mul(hn::Mul(dcc, i), Fnma(g, g, one));
        const auto dO = hn::Mul(hn::Mul(dd, t), hn::Mul(o, hn::Sub(one, o)));
        hn::Store(di, d, a), hn::Store(df, d, a + Hp), hn::Store(dg, d, a + 2 * Hp), hn::Store(dO, d, a + 3 * Hp);
        hn::Store(hn::Mul(dcc, f), d, dc + at);
        hn::Store(hn::Add(hn::Load(d, dbi + u), di), d, dbi + u);
        hn::Store(hn::Add(hn::Load(d, dbi + Hp + u), df), d, dbi + Hp + u);
        hn::Store(hn::Add(hn::Load(d, dbi + 2 * Hp + u), dg), d, dbi + 2 * Hp + u);
        hn::Store(hn::Add(hn::Load(d, dbi + 3 * Hp + u), dO), d, dbi + 3 * Hp + u);
      } else {
        float* g = G + r * R + u;
        const auto rr = hn::Load(d, a), z = hn::Load(d, a + Hp), n = hn::Load(d, a + 2 * Hp);
        const auto dan = hn::Mul(hn::Mul(dd, hn::Sub(one, z)), Fnma(n, n, one));
        const auto dar = hn::Mul(hn::Mul(dan, hn::Load(d, aux + at)), hn::Mul(rr, hn::Sub(one, rr)));
        const auto daz = hn::Mul(hn::Mul(dd, hn::Sub(hn::Load(d, hp + at), n)), hn::Mul(z, hn::Sub(one, z)));
        const auto dgn = hn::Mul(dan, rr);
        hn::Store(dar, d, a), hn::Store(dar, d, g);
        hn::Store(daz, d, a + Hp), hn::Store(daz, d, g + Hp);
        hn::Store(dan, d, a + 2 * Hp), hn::Store(dgn, d, g + 2 * Hp);
        hn::Store(hn::Mul(dd, z), d, dh + at);
        const auto sr = hn::Add(hn::Load(d, dbi + u), dar), sz = hn::Add(hn::Load(d, dbi + Hp + u), daz);
        hn::Store(sr, d, dbi + u), hn::Store(sz, d, dbi + Hp + u);
        hn::Store(hn::Add(hn::Load(d, dbi + 2 * Hp + u), dan), d, dbi + 2 * Hp + u);
        hn::Store(hn::Add(hn::Load(d, dbh + u), dar), d, dbh + u);
        hn::Store(hn::Add(hn::Load(d, dbh + Hp + u), daz), d, dbh + Hp + u);
        hn::Store(hn::Add(hn::Load(d, dbh + 2 * Hp + u), dgn), d, dbh + 2 * Hp + u);
      }
    }
  }
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
