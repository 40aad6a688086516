// expect: ctnn::network::layer<I>: I must be less than layer_count
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>, ctnn::dense<1>>;
ctnn::bf16_network<Net> net;
#ifdef CTNN_CONTROL
float f() { return net.layer<1>().bias(0); }
#else
float f() { return net.layer<2>().bias(0); }
#endif
