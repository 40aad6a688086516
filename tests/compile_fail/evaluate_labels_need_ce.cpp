// expect: ctnn::evaluate: class labels need a loss like cross_entropy
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::softmax>>;
#ifdef CTNN_CONTROL
double f(const Net& net, std::span<const float> x, std::span<const float> y) {
#else
double f(const Net& net, std::span<const float> x, std::span<const std::uint32_t> y) {
#endif
  return ctnn::evaluate(net, ctnn::mse{}, x, y);
}
