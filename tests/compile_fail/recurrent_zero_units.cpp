// expect: ctnn::gru / ctnn::lstm: layer LayerIndex has zero units
// expect: recurrent_check<1, 4, 0
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4>, ctnn::lstm<3>>;
#else
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4>, ctnn::lstm<0>>;
#endif
Net net;
