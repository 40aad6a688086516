// expect: ctnn::input<N>: a network needs at least one input \(N >= 1\)
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<1>, ctnn::dense<3>> net;
#else
ctnn::network<ctnn::input<0>, ctnn::dense<3>> net;
#endif
