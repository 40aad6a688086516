// SPDX-License-Identifier: Apache-2.0
// The networks the model-file fuzzers load, one per flavour of model file
// the library writes (tools/fuzz/make_corpus.cpp writes their seeds):
//   dense  — format version 1 (no buffers)
//   mixed  — format version 2: batch norm (buffers), residual blocks,
//            dropout and an activation layer
//   sequence — a stateful network: causal Conv1D, GRU, an LSTM in a
//            residual block (a refused file must leave the state as well)
// (int8 models get a flavour when they land.)
#pragma once

#include <ctnn/ctnn.hpp>

namespace fuzz_nets {
using dense = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>, ctnn::dense<2, ctnn::softmax>>;
using mixed = ctnn::network<ctnn::input<3>, ctnn::dense<5, ctnn::relu>, ctnn::batch_norm<>,
                            ctnn::residual<ctnn::dense<5, ctnn::tanh>, ctnn::batch_norm<1, 4, 3>>, ctnn::dropout<1, 10>,
                            ctnn::activation<ctnn::gelu>, ctnn::dense<2, ctnn::softmax>>;
using sequence = ctnn::network<ctnn::input<2>, ctnn::conv1d<3, 2, 2, ctnn::tanh>, ctnn::gru<4>,
                               ctnn::residual<ctnn::lstm<4>, ctnn::dense<4>>, ctnn::dense<1>>;
}  // namespace fuzz_nets
