// expect: ctnn::trainer: Batch must be at least 1
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::identity>>;
#ifdef CTNN_CONTROL
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 1> tr;
#else
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 0> tr;
#endif
