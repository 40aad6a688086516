// expect: ctnn loss: the type needs `static constexpr bool fused`
// expect: ctnn loss: the type needs `template <class Act> static constexpr bool accepts_output`
// expect: ctnn loss: the type needs `static constexpr double sample\(const float\* z, const float\* a
// expect: ctnn::trainer<Net, L, ...>: L must satisfy ctnn::Loss
#include <ctnn/ctnn.hpp>
struct not_a_loss {};
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::identity>>;
#ifdef CTNN_CONTROL
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 4> tr;
#else
ctnn::trainer<Net, not_a_loss, ctnn::sgd, 4> tr;
#endif
