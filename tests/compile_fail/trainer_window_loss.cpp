// expect: ctnn::trainer: this loss sees whole windows of sequences \(a window loss, e.g. ctnn::esr\)
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<1>>;
#ifdef CTNN_CONTROL
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 2> tr;
#else
ctnn::trainer<Net, ctnn::esr, ctnn::sgd, 2> tr;
#endif
