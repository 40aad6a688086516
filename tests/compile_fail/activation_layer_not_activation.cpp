// expect: ctnn::activation<Act>: Act must satisfy ctnn::Activation
#include <ctnn/ctnn.hpp>
struct not_an_activation {};
#ifdef CTNN_CONTROL
using A = ctnn::activation<ctnn::relu>;
#else
using A = ctnn::activation<not_an_activation>;
#endif
ctnn::network<ctnn::input<3>, ctnn::dense<2>, A> net;
