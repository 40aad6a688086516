// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/sequence-inl.hpp — network::forward_sequence: T time steps
// of a network, layer by layer over tiles of steps. Each layer runs a tile
// through LayerForwardSequence; by default that is its own step (or
// stateless forward) row after row, so the results are those of T forward()
// calls, bit for bit. Layers with work that does not depend on the previous
// step overload it in their -inl.hpp — GRU/LSTM with > 28 KB of weights
// project the inputs of many steps by one GEMM, Conv1D computes the tile's
// rows from one buffer of its inputs, several rows per weight load — in the
// same per-lane order as their step, so the bits still agree.
// Re-included once per target (per-target include guard).

#if defined(CTNN_KERNELS_SEQUENCE_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_SEQUENCE_INL_HPP_
#undef CTNN_KERNELS_SEQUENCE_INL_HPP_
#else
#define CTNN_KERNELS_SEQUENCE_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <boost/hana/at.hpp>
#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/kernels/batch-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/layer.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

/// Default: `rows` consecutive steps one at a time. X rows are `ldx` floats
/// apart (aligned and zero-padded when the layer reads padding), Z rows
/// out_padded apart and aligned.
template <class Layer>
HWY_INLINE void LayerForwardSequence(SimdTag, const Layer& layer, detail::layer_state<Layer>& s, std::size_t rows,
                                     const float* HWY_RESTRICT X, std::size_t ldx, float* HWY_RESTRICT Z) {
  for (std::size_t r = 0; r < rows; ++r) LayerStep(layer, s, X + r * ldx, Z + r * Layer::out_padded);
}

/// Steps per tile: two tiles of the widest layer output fit in 32 KB.
template <std::size_t Width>
inline constexpr std::size_t kSequenceTile = rows_within(4096, Width, 64);

template <class Net, class States, std::size_t... I>
HWY_INLINE const float* SequenceLayers(const Net& net, States& st, std::size_t rows,
                                       const float* x0, std::size_t ld0, float* HWY_RESTRICT a,
                                       float* HWY_RESTRICT b, std::index_sequence<I...>) {
  const float* in = x0;
  std::size_t ld = ld0;
  ((LayerForwardSequence(SimdTag(), net.template layer<I>(), boost::hana::at_c<I>(st), rows, in, ld,
                         I % 2 == 0 ? a : b),
    in = I % 2 == 0 ? a : b, ld = Net::template layer_type<I>::out_padded),
   ...);
  return in;
}

/// y[t·output_size + o] = the network's output at step t, for t < rows, the
/// states advanced by `rows` steps. x and y need no alignment. Stack use:
/// about 32 KB (two tiles) plus what the layers' sequence kernels take.
/// Out of line, as ForwardNet: one body per network in a program.
template <class Net>
HWY_NOINLINE void ForwardSequence(const Net& net, typename Net::state_tuple& st, const float* HWY_RESTRICT x,
                                  std::size_t rows, float* HWY_RESTRICT y) {
  using First = typename Net::template layer_type<0>;
  constexpr std::size_t W = MaxOutPadded<Net>(std::make_index_sequence<Net::layer_count>{});
  constexpr std::size_t T = kSequenceTile<W>;
  alignas(alignment) float a[T * W];
  alignas(alignment) float b[T * W];
  alignas(alignment) float xp[First::reads_input_padding ? T * Net::input_padded : 1];
  ForwardTiles<Net, T>(x, rows, y, xp, [&](std::size_t n, const float* x0, std::size_t ld0) HWY_ATTR {
    return SequenceLayers(net, st, n, x0, ld0, a, b, std::make_index_sequence<Net::layer_count>{});
  });
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
