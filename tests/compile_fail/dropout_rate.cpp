// expect: ctnn::dropout<Num, Den>: the rate Num/Den must lie in \[0, 1\)
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::dropout<99, 100>, ctnn::dense<1>> net;
#else
ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::dropout<100, 100>, ctnn::dense<1>> net;
#endif
