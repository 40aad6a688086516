// expect: ctnn::leaky_relu<Num, Den>: the slope denominator must not be zero
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
float s = ctnn::leaky_relu<1, 3>::slope;
#else
float s = ctnn::leaky_relu<1, 0>::slope;
#endif
