// expect: ctnn::dynamic::forward: spans must have static extents
#include <ctnn/dynamic.hpp>
void f(const ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>>& net, const float* x, float* y) {
#ifdef CTNN_CONTROL
  ctnn::dynamic::forward(net, std::span<const float, 2>(x, 2), std::span<float, 4>(y, 4));
#else
  ctnn::dynamic::forward(net, std::span<const float>(x, 2), std::span<float, 4>(y, 4));
#endif
}
