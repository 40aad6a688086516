// expect: ctnn::dense: layer LayerIndex has zero units
// expect: dense_check<1, 8, 0
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::dense<1>>;
#else
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::dense<0>>;
#endif
Net net;
