// expect: ctnn::trainer: the loss does not fit the output activation
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>, ctnn::dense<3, ctnn::softmax>>;
#ifdef CTNN_CONTROL
ctnn::trainer<Net, ctnn::cross_entropy, ctnn::sgd, 4> tr;
#else
ctnn::trainer<Net, ctnn::binary_cross_entropy, ctnn::sgd, 4> tr;
#endif
