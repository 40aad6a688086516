// expect: ctnn::trainer<Net, L, Opt, ...>: Opt must satisfy ctnn::Optimizer
#include <ctnn/ctnn.hpp>
struct not_an_optimizer {
  float learning_rate = 0.1f;
};
#ifdef CTNN_CONTROL
using Opt = ctnn::sgd;
#else
using Opt = not_an_optimizer;
#endif
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<1>>;
ctnn::trainer<Net, ctnn::mse, Opt, 2> tr;
