// expect: ctnn::network::forward: spans must have static extents
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>>;
void f(const ctnn::bf16_network<Net>& net, const float* x, float* y) {
#ifdef CTNN_CONTROL
  net.forward(std::span<const float, 2>(x, 2), std::span<float, 4>(y, 4));
#else
  net.forward(std::span<const float>(x, 2), std::span<float, 4>(y, 4));
#endif
}
