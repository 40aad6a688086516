// expect: ctnn::batch_norm: epsilon = 10\^-EpsilonExp, EpsilonExp in \[1, 30\]
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<4>, ctnn::batch_norm<1, 10, 30>, ctnn::dense<1>> net;
#else
ctnn::network<ctnn::input<4>, ctnn::batch_norm<1, 10, 0>, ctnn::dense<1>> net;
#endif
