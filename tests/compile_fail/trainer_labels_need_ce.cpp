// expect: ctnn::trainer: class-label targets need a loss with a class-label sample()
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::identity>>;
float f(Net& net, ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 2>& tr) {
  const std::array<float, 4> x{};
#ifdef CTNN_CONTROL
  const std::array<float, 6> y{};
#else
  const std::array<std::uint32_t, 2> y{};
#endif
  return tr.step(net, x, y);
}
