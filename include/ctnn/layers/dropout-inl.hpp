// SPDX-License-Identifier: Apache-2.0
// ctnn/layers/dropout-inl.hpp — dropout at inference is the identity: no
// kernel of its own (the scalar forward, a copy, runs on every target). The
// file exists so that the layer has the same pair of headers as every other.

#if defined(CTNN_LAYERS_DROPOUT_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTNN_LAYERS_DROPOUT_INL_HPP_
#undef CTNN_LAYERS_DROPOUT_INL_HPP_
#else
#define CTNN_LAYERS_DROPOUT_INL_HPP_
#endif

#include "ctnn/kernels/network-inl.hpp"
#include "ctnn/layers/dropout.hpp"

#endif  // per-target include guard
