// expect: ctnn::evaluate: this loss takes class labels \(std::uint32_t\)
#include <ctnn/ctnn.hpp>
#include "../../examples/extend/focal_loss.hpp"
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::softmax>>;
#ifdef CTNN_CONTROL
double f(const Net& net, std::span<const float> x, std::span<const std::uint32_t> y) {
#else
double f(const Net& net, std::span<const float> x, std::span<const float> y) {
#endif
  return ctnn::evaluate(net, examples::focal_loss<2>{}, x, y);
}
