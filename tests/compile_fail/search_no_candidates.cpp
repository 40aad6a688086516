// expect: ctnn::search: give at least one network type in ctnn::candidates<...>
#include <ctnn/search.hpp>
void f(ctnn::labelled_view train, ctnn::labelled_view valid) {
#ifdef CTNN_CONTROL
  ctnn::search(ctnn::candidates<ctnn::network<ctnn::input<2>, ctnn::dense<2, ctnn::softmax>>>{}, train, valid);
#else
  ctnn::search(ctnn::candidates<>{}, train, valid);
#endif
}
