// expect: ctnn::network::forward: the input extent \(Given\) must equal the network's input_size \(Expected\)
// expect: forward_input_check<3, 2>
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
constexpr std::size_t M = 2;
#else
constexpr std::size_t M = 3;
#endif
float f(const ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>>& net) {
  return net.forward(std::array<float, M>{})[0];
}
