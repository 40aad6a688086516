// expect: ctnn::sequence_trainer<Net, L, Opt, ...>: Opt must satisfy ctnn::Optimizer
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<1>, ctnn::gru<4>, ctnn::dense<1>>;
struct not_an_optimizer {};
#ifdef CTNN_CONTROL
ctnn::sequence_trainer<Net, ctnn::mse, ctnn::adam, 2, 4> tr;
#else
ctnn::sequence_trainer<Net, ctnn::mse, not_an_optimizer, 2, 4> tr;
#endif
