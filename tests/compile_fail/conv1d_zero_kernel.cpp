// expect: ctnn::conv1d: layer LayerIndex needs OutChannels, Kernel and Dilation >= 1
// expect: conv1d_check<0, 1, 4, 0, 1
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 1>>;
#else
using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 0>>;
#endif
Net net;
