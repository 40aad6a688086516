// expect: ctnn::sequence_trainer: the loss needs float targets per step
#include <ctnn/ctnn.hpp>
struct label_loss {  // a user loss with a class-label sample() only
  static constexpr bool fused = true;
  template <class Act>
  static constexpr bool accepts_output = std::is_same_v<Act, ctnn::softmax>;
  static constexpr double scale(std::size_t b, std::size_t) noexcept { return 1.0 / static_cast<double>(b); }
  static constexpr double sample(const float*, const float* a, std::size_t n, std::uint32_t label, float* g,
                                 double s) noexcept {
    for (std::size_t o = 0; o < n; ++o) g[o] = static_cast<float>((a[o] - (o == label ? 1.0 : 0.0)) * s);
    return 1.0 - a[label];
  }
};
using Net = ctnn::network<ctnn::input<2>, ctnn::lstm<4>, ctnn::dense<3, ctnn::softmax>>;
#ifdef CTNN_CONTROL
ctnn::sequence_trainer<Net, ctnn::cross_entropy, ctnn::sgd, 2, 4> tr;
#else
ctnn::sequence_trainer<Net, label_loss, ctnn::sgd, 2, 4> tr;
#endif
