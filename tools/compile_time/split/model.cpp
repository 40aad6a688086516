// SPDX-License-Identifier: Apache-2.0
// The one TU of the project that compiles S5 and its Highway kernels.
#include "model.hpp"

#include <ctnn/init.hpp>
#include <ctnn/network.hpp>

namespace {
using S5 = ctnn::network<ctnn::input<784>, ctnn::dense<256, ctnn::relu>, ctnn::dense<128, ctnn::relu>,
                         ctnn::dense<10, ctnn::softmax>>;
S5& net() {
  static S5 n;
  static const bool once = (ctnn::initialize(n, 1), true);
  (void)once;
  return n;
}
}  // namespace

ctnn::model_ref<784, 10> s5_model() { return ctnn::make_model_ref(net()); }

/// For the check in app.cpp: S5's own forward on the same input.
std::array<float, 10> s5_direct(const std::array<float, 784>& x) { return net().forward(x); }
