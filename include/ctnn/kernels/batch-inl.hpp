// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/batch-inl.hpp — batched inference: a tile of up to
// kBatchTile samples goes through the whole layer list together, each layer
// through its LayerForwardBatch (dense: the GEMM, so every weight loaded
// from cache serves up to 6 samples; other layers: row by row).
// Re-included once per target.

#if defined(CTNN_KERNELS_BATCH_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_KERNELS_BATCH_INL_HPP_
#undef CTNN_KERNELS_BATCH_INL_HPP_
#else
#define CTNN_KERNELS_BATCH_INL_HPP_
#endif

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include "ctnn/kernels/tag-inl.hpp"

#include <cstddef>
#include <utility>

#include "ctnn/config.hpp"
#include "ctnn/kernels/network-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctnn::HWY_NAMESPACE {

/// Samples per tile of ForwardBatch: 16 = 6 + 6 + 4 rows of the GEMM tile.
inline constexpr std::size_t kBatchTile = 16;

/// Default batched forward of a layer: row by row through its LayerForward.
/// Z[r][0, out_padded) = layer(X[r]) for r < rows; X rows are `ldx` floats
/// apart, Z rows out_padded apart and aligned. Layers whose weights can
/// serve several rows at once (dense) overload it in their -inl.hpp.
template <class Layer>
HWY_INLINE void LayerForwardBatch(SimdTag, const Layer& layer, std::size_t rows, const float* HWY_RESTRICT X,
                                  std::size_t ldx, float* HWY_RESTRICT Z) {
  for (std::size_t r = 0; r < rows; ++r) LayerForward(SimdTag(), layer, X + r * ldx, Z + r * Layer::out_padded);
}

template <class Net, std::size_t... I>
constexpr std::size_t MaxOutPadded(std::index_sequence<I...>) {
  std::size_t m = 0;
  ((m = Net::template layer_type<I>::out_padded > m ? Net::template layer_type<I>::out_padded : m), ...);
  return m;
}

/// n input rows (In floats apart, from x0) as the first layer reads them:
/// x0 itself, or — a layer that reads padding lanes — a copy in xp, rows
/// Inp floats apart, zero-padded. `ld` receives the row distance.
template <class First, std::size_t In, std::size_t Inp>
HWY_INLINE const float* FirstLayerRows(const float* x0, std::size_t n, float* HWY_RESTRICT xp, std::size_t& ld) {
  ld = In;
  if constexpr (First::reads_input_padding) {
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t i = 0; i < In; ++i) xp[r * Inp + i] = x0[r * In + i];
      for (std::size_t i = In; i < Inp; ++i) xp[r * Inp + i] = 0.0f;
    }
    ld = Inp;
    return xp;
  }
  return x0;
}

template <class Net, std::size_t... I>
HWY_INLINE const float* BatchLayers(const Net& net, std::size_t rows, const float* x0, std::size_t ld0,
                                    float* HWY_RESTRICT a, float* HWY_RESTRICT b, std::index_sequence<I...>) {
  const float* in = x0;
  std::size_t ld = ld0;
  // Layer I reads `in` and writes a (even I) or b (odd I).
  ((LayerForwardBatch(SimdTag(), net.template layer<I>(), rows, in, ld, I % 2 == 0 ? a : b),
    in = I % 2 == 0 ? a : b, ld = Net::template layer_type<I>::out_padded),
   ...);
  return in;
}

/// The tile loop of ForwardBatch and ForwardSequence: rows in tiles of up
/// to T; each tile's input rows as the first layer reads them (xp: T rows of
/// input_padded floats, used when it reads padding), then
/// run_layers(n, x0, ld0) returns the last layer's n output rows,
/// padded(output_size) floats apart, which go to y.
template <class Net, std::size_t T, class RunLayers>
HWY_INLINE void ForwardTiles(const float* HWY_RESTRICT x, std::size_t rows, float* HWY_RESTRICT y,
                             float* HWY_RESTRICT xp, RunLayers&& run_layers) {
  using First = typename Net::template layer_type<0>;
  constexpr std::size_t In = Net::input_size, Inp = Net::input_padded;
  constexpr std::size_t Out = Net::output_size, ldo = padded(Net::output_size);
  for (std::size_t r0 = 0; r0 < rows; r0 += T) {
    const std::size_t n = rows - r0 < T ? rows - r0 : T;
    std::size_t ld0 = In;
    const float* x0 = FirstLayerRows<First, In, Inp>(x + r0 * In, n, xp, ld0);
    const float* out = run_layers(n, x0, ld0);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t o = 0; o < Out; ++o) y[(r0 + r) * Out + o] = out[r * ldo + o];
  }
}

/// y[r·output_size + o] = net(x[r·input_size + ·])[o] for r < rows. x and y
/// need no alignment. Stack use: 2·kBatchTile·(largest padded layer output)
/// floats, + kBatchTile·input_padded when the first layer is dot-layout.
template <class Net>
HWY_NOINLINE void ForwardBatch(const Net& net, const float* HWY_RESTRICT x, std::size_t rows,
                               float* HWY_RESTRICT y) {
  using First = typename Net::template layer_type<0>;
  constexpr std::size_t T = kBatchTile;
  constexpr std::size_t W = MaxOutPadded<Net>(std::make_index_sequence<Net::layer_count>{});
  alignas(alignment) float a[T * W];
  alignas(alignment) float b[T * W];
  alignas(alignment) float xp[First::reads_input_padding ? T * Net::input_padded : 1];
  ForwardTiles<Net, T>(x, rows, y, xp, [&](std::size_t n, const float* x0, std::size_t ld0) HWY_ATTR {
    return BatchLayers(net, n, x0, ld0, a, b, std::make_index_sequence<Net::layer_count>{});
  });
}

}  // namespace ctnn::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
