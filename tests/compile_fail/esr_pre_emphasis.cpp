// expect: ctnn::esr_loss<Num, Den>: the pre-emphasis Num/Den must be in \[0, 1\)
#include <ctnn/ctnn.hpp>
#ifdef CTNN_CONTROL
constexpr double c = ctnn::esr_loss<85, 100>::pre_emphasis;
#else
constexpr double c = ctnn::esr_loss<100, 100>::pre_emphasis;  // 1 − z⁻¹ removes all of a DC signal
#endif
