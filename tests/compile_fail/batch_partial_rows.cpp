// expect: ctnn::network::forward_batch/forward_sequence: the input span must hold whole rows of input_size floats
// expect: ctnn::network::forward_batch/forward_sequence: the output span must hold whole rows of output_size floats
#include <ctnn/ctnn.hpp>
void f(const ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>>& net, const float* x, float* y) {
#ifdef CTNN_CONTROL
  net.forward_batch(std::span<const float, 6>(x, 6), std::span<float, 12>(y, 12));
#else
  net.forward_batch(std::span<const float, 5>(x, 5), std::span<float, 11>(y, 11));
#endif
}
