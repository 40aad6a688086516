// expect: ctnn::residual: the block at layer LayerIndex must end with as many outputs as it has inputs
// expect: residual_check<1, 8, 5>
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Block = ctnn::residual<ctnn::dense<5, ctnn::relu>, ctnn::dense<8>>;
#else
using Block = ctnn::residual<ctnn::dense<8, ctnn::relu>, ctnn::dense<5>>;
#endif
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8>, Block, ctnn::dense<2>>;
Net net;
