// expect: ctnn loss: the type needs `template <class Act> static constexpr bool accepts_output`
// expect-gcc: ctnn::trainer<Net, L, ...>: L must satisfy ctnn::Loss
#include <ctnn/ctnn.hpp>
struct half_mse {  // a user loss that does not say which output activations it fits
  static constexpr bool fused = false;
#ifdef CTNN_CONTROL
  template <class Act>
  static constexpr bool accepts_output = true;
#endif
  static constexpr double scale(std::size_t b, std::size_t o) noexcept { return 1.0 / static_cast<double>(b * o); }
  static constexpr double sample(const float*, const float* a, std::size_t n, const float* t, float* g, double s) noexcept {
    double l = 0;
    for (std::size_t o = 0; o < n; ++o) {
      l += 0.5 * (a[o] - t[o]) * (a[o] - t[o]);
      g[o] = static_cast<float>((a[o] - t[o]) * s);
    }
    return l;
  }
};
using Net = ctnn::network<ctnn::input<2>, ctnn::dense<3, ctnn::identity>>;
ctnn::trainer<Net, half_mse, ctnn::sgd, 4> tr;
