// expect: ctnn::network::forward_batch/forward_sequence: input and output spans must hold the same number of rows
#include <ctnn/ctnn.hpp>
void f(const ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>>& net, const float* x, float* y) {
#ifdef CTNN_CONTROL
  net.forward_batch(std::span<const float, 6>(x, 6), std::span<float, 12>(y, 12));
#else
  net.forward_batch(std::span<const float, 6>(x, 6), std::span<float, 8>(y, 8));
#endif
}
