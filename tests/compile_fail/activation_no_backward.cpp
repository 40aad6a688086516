// expect: ctnn activation: an elementwise activation needs `static constexpr float backward\(float a, float da\)`
#include <ctnn/ctnn.hpp>
#include <string_view>
struct half {  // a user activation that forgot its derivative
  static constexpr std::string_view name = "half";
  static constexpr bool elementwise = true;
  static constexpr ctnn::init_scheme init = ctnn::init_scheme::glorot;
  static constexpr float apply(float z) noexcept { return 0.5f * z; }
#ifdef CTNN_CONTROL
  static constexpr float backward(float, float da) noexcept { return 0.5f * da; }
#endif
};
ctnn::network<ctnn::input<2>, ctnn::dense<4, half>> net;
