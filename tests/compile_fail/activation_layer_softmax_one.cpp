// expect: ctnn::activation: layer LayerIndex applies softmax to a single feature
// expect: activation_layer_check<1, 1
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<3>, ctnn::dense<2>, ctnn::activation<ctnn::softmax>> net;
#else
ctnn::network<ctnn::input<3>, ctnn::dense<1>, ctnn::activation<ctnn::softmax>> net;
#endif
