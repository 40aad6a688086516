// expect: ctnn::dense_layer: layout must be resolved
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::dense_layer<3, 4, ctnn::relu, ctnn::layout::dot> layer;
#else
ctnn::dense_layer<3, 4, ctnn::relu, ctnn::layout::automatic> layer;
#endif
