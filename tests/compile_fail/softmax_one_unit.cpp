// expect: ctnn::dense: layer LayerIndex applies softmax to a single unit
// expect: dense_check<2, 16, 1, ctnn::softmax>
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
using Out = ctnn::dense<1, ctnn::sigmoid>;
#else
using Out = ctnn::dense<1, ctnn::softmax>;
#endif
ctnn::network<ctnn::input<2>, ctnn::dense<16, ctnn::relu>, ctnn::dense<16, ctnn::relu>, Out> net;
