// expect: ctnn activation: a whole-layer activation needs `static constexpr void apply\(float\* z, std::size_t n\)`
#include <ctnn/ctnn.hpp>
#include <string_view>
struct halve_all {  // a whole-layer user activation whose apply has the elementwise signature
  static constexpr std::string_view name = "halve_all";
  static constexpr bool elementwise = false;
  static constexpr ctnn::init_scheme init = ctnn::init_scheme::glorot;
#ifdef CTNN_CONTROL
  static constexpr void apply(float* z, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) z[i] *= 0.5f;
  }
#else
  static constexpr float apply(float z) noexcept { return 0.5f * z; }
#endif
  static constexpr void backward(const float*, const float* da, float* dz, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) dz[i] = 0.5f * da[i];
  }
};
ctnn::network<ctnn::input<2>, ctnn::dense<4, halve_all>> net;
