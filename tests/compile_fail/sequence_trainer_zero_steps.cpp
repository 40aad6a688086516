// expect: ctnn::sequence_trainer: Batch and Steps must be at least 1
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<1>, ctnn::dense<1>>;
#ifdef CTNN_CONTROL
ctnn::sequence_trainer<Net, ctnn::mse, ctnn::adam, 2, 1> tr;
#else
ctnn::sequence_trainer<Net, ctnn::mse, ctnn::adam, 2, 0> tr;
#endif
