// expect: ctnn::elu<Num, Den>: alpha = Num/Den must be positive
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::elu<1, 2>>> net;
#else
ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::elu<-1, 2>>> net;
#endif
