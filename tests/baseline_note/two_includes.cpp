// SPDX-License-Identifier: Apache-2.0
// A user TU that includes ctnn twice over (the umbrella header and
// network.hpp): the scalar-fallback note must appear once, not per include.
#include <ctnn/ctnn.hpp>
#include <ctnn/network.hpp>

using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>, ctnn::dense<1>>;
float f(const Net& net) { return net.forward(std::array<float, 2>{1.0f, 2.0f})[0]; }
