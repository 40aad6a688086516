// expect: ctnn::batch_norm: training needs Batch >= 2
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::batch_norm<>, ctnn::dense<2>>;
#ifdef CTNN_CONTROL
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 2> tr;
#else
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 1> tr;
#endif
