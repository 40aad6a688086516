// expect: ctnn::network: the first template argument must be ctnn::input<N>
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<3>, ctnn::dense<3>> net;
#else
ctnn::network<ctnn::dense<3>, ctnn::dense<3>> net;
#endif
