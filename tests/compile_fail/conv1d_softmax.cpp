// expect: ctnn::conv1d: layer LayerIndex's activation must be elementwise
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 3, 1, ctnn::tanh>>;
#else
using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 3, 1, ctnn::softmax>>;
#endif
Net net;
