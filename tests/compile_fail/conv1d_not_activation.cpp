// expect: ctnn::conv1d<...>: Act must satisfy ctnn::Activation
#include <ctnn/ctnn.hpp>
struct not_an_activation {};
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 3, 1, ctnn::relu>>;
#else
using Net = ctnn::network<ctnn::input<1>, ctnn::conv1d<4, 3, 1, not_an_activation>>;
#endif
Net net;
