// expect: ctnn::sequence_trainer::guard_updates: the update guard is chosen at compile time
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<1>, ctnn::lstm<4>, ctnn::dense<1>>;
#ifdef CTNN_CONTROL
ctnn::sequence_trainer<Net, ctnn::mse, ctnn::sgd, 2, 4, ctnn::guard::on> tr;
#else
ctnn::sequence_trainer<Net, ctnn::mse, ctnn::sgd, 2, 4> tr;
#endif
void f() { tr.guard_updates(true); }
