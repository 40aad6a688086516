// expect: ctnn::trainer::guard_updates: the update guard is chosen at compile time
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<1>>;
#ifdef CTNN_CONTROL
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 2, ctnn::guard::on> tr;
#else
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 2> tr;
#endif
void f() { tr.guard_updates(true); }
