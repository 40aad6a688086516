// expect: ctnn::evaluate: the loss does not fit the output activation
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::softmax>>;
#else
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::relu>>;
#endif
double f(const Net& net, std::span<const float> x, std::span<const std::uint32_t> y) {
  return ctnn::evaluate(net, ctnn::cross_entropy{}, x, y);
}
