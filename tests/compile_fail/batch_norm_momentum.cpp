// expect: ctnn::batch_norm<MomentumNum, MomentumDen, EpsilonExp>: momentum must lie in \[0, 1\]
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<4>, ctnn::batch_norm<1, 1>, ctnn::dense<1>> net;
#else
ctnn::network<ctnn::input<4>, ctnn::batch_norm<2, 1>, ctnn::dense<1>> net;
#endif
