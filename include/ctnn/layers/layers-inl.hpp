// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/layers-inl.hpp — the built-in layers, one line each: their
// -inl.hpp (per-target kernels), each of which includes its layer's
// compile-time header. ctnn/ctnn.hpp includes this list (the static
// target); ctnn/kernels/dispatch-inl.hpp re-includes it once per target for
// ctnn/dynamic.hpp. A new built-in layer adds its line here.
// No include guard: every file listed has a per-target include guard.

#include "ctnn/layers/activation-inl.hpp"  // IWYU pragma: export
#include "ctnn/layers/batch_norm-inl.hpp"  // IWYU pragma: export
#include "ctnn/layers/bf16_layer-inl.hpp"  // IWYU pragma: export
#include "ctnn/layers/conv1d-inl.hpp"      // IWYU pragma: export
#include "ctnn/layers/dense-inl.hpp"       // IWYU pragma: export
#include "ctnn/layers/dropout-inl.hpp"     // IWYU pragma: export
#include "ctnn/layers/residual-inl.hpp"    // IWYU pragma: export
