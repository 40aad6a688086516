// expect: ctnn loss: the type needs `static constexpr bool fused`
// expect-gcc: ctnn::sequence_trainer<Net, L, ...>: L must satisfy ctnn::Loss
#include <ctnn/ctnn.hpp>
using Net = ctnn::network<ctnn::input<1>, ctnn::gru<4>, ctnn::dense<1>>;
struct not_a_loss {};
#ifdef CTNN_CONTROL
ctnn::sequence_trainer<Net, ctnn::esr, ctnn::adam, 2, 4> tr;
#else
ctnn::sequence_trainer<Net, not_a_loss, ctnn::adam, 2, 4> tr;
#endif
