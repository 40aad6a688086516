// expect: ctnn::residual<Specs...>: the block needs at least one layer
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<4>, ctnn::residual<ctnn::dense<4>>, ctnn::dense<1>> net;
#else
ctnn::network<ctnn::input<4>, ctnn::residual<>, ctnn::dense<1>> net;
#endif
