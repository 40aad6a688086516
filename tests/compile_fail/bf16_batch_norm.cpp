// expect: ctnn::bf16_network: only networks of dense layers are supported
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::dense<2>>;
#else
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8>, ctnn::batch_norm<>, ctnn::dense<2>>;
#endif
ctnn::bf16_network<Net> net;
