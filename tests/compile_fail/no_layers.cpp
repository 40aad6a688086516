// expect: ctnn::network: a network needs at least one layer after ctnn::input<N>
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<3>, ctnn::dense<1>> net;
#else
ctnn::network<ctnn::input<3>> net;
#endif
