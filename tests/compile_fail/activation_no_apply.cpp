// expect: ctnn activation: an elementwise activation needs `static constexpr float apply\(float z\)`
#include <ctnn/ctnn.hpp>
#include <string_view>
struct half {  // a user activation that forgot its forward function
  static constexpr std::string_view name = "half";
  static constexpr bool elementwise = true;
  static constexpr ctnn::init_scheme init = ctnn::init_scheme::glorot;
#ifdef CTNN_CONTROL
  static constexpr float apply(float z) noexcept { return 0.5f * z; }
#endif
  static constexpr float backward(float, float da) noexcept { return 0.5f * da; }
};
ctnn::network<ctnn::input<2>, ctnn::dense<4, half>> net;
