// expect: ctnn::network::forward: the output extent \(Given\) must equal the network's output_size \(Expected\)
// expect: forward_output_check<5, 4>
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
constexpr std::size_t K = 4;
#else
constexpr std::size_t K = 5;
#endif
void f(const ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>>& net, const float* x, float* y) {
  net.forward(std::span<const float, 2>(x, 2), std::span<float, K>(y, K));
}
