// expect: ctnn::leaky_relu<Num, Den>: the slope Num/Den must lie in \[0, 1\)
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::leaky_relu<1, 2>>> net;
#else
ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::leaky_relu<3, 2>>> net;
#endif
