// expect: ctnn::evaluate: the loss must satisfy ctnn::Loss
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<2>>;
struct not_a_loss {
  static constexpr bool fused = false;
  static constexpr double sample(const float*, const float*, std::size_t, const float*, float*, double) { return 0; }
};
#ifdef CTNN_CONTROL
using L = ctnn::mse;
#else
using L = not_a_loss;
#endif
double f(const Net& net, std::span<const float> x, std::span<const float> y) { return ctnn::evaluate(net, L{}, x, y); }
