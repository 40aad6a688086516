// expect: ctnn activation: the type needs `static constexpr std::string_view name`
// expect: ctnn::dense<Units, Act>: Act must satisfy ctnn::Activation
#include <ctnn/ctnn.hpp>
struct not_an_activation {};
#ifdef CTNN_CONTROL
ctnn::network<ctnn::input<2>, ctnn::dense<4, ctnn::relu>> net;
#else
ctnn::network<ctnn::input<2>, ctnn::dense<4, not_an_activation>> net;
#endif
