// expect: ctnn::sequence_trainer: the loss does not fit the output activation
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<1>, ctnn::gru<4>, ctnn::dense<1, ctnn::sigmoid>>;
#else
using Net = ctnn::network<ctnn::input<1>, ctnn::gru<4>, ctnn::dense<1>>;
#endif
ctnn::sequence_trainer<Net, ctnn::binary_cross_entropy, ctnn::adam, 2, 4> tr;
