// SPDX-License-Identifier: Apache-2.0
// The standard workloads of ../shared/BENCHMARKS.md, as network types.
#pragma once

#include "ctnn/ctnn.hpp"

namespace ctnn_test {
using S1 = ctnn::network<ctnn::input<2>, ctnn::dense<16, ctnn::relu>, ctnn::dense<16, ctnn::relu>,
                         ctnn::dense<1, ctnn::sigmoid>>;
using S2 = ctnn::network<ctnn::input<16>, ctnn::dense<64, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                         ctnn::dense<8, ctnn::identity>>;
using S3 = ctnn::network<ctnn::input<8>, ctnn::dense<32, ctnn::tanh>, ctnn::dense<32, ctnn::tanh>,
                         ctnn::dense<32, ctnn::tanh>, ctnn::dense<1, ctnn::identity>>;
using S4 = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>;
using S5 = ctnn::network<ctnn::input<784>, ctnn::dense<256, ctnn::relu>, ctnn::dense<128, ctnn::relu>,
                         ctnn::dense<10, ctnn::softmax>>;
}  // namespace ctnn_test
