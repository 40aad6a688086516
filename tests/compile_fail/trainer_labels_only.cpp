// expect: ctnn::trainer: this loss takes class labels only; pass std::span<const std::uint32_t, Batch> targets
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
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::softmax>>;
float f(Net& net, ctnn::trainer<Net, label_loss, ctnn::sgd, 2>& tr) {
  const std::array<float, 4> x{};
#ifdef CTNN_CONTROL
  const std::array<std::uint32_t, 2> y{};
#else
  const std::array<float, 6> y{};
#endif
  return tr.step(net, x, y);
}
