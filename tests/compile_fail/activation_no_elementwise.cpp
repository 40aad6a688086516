// expect: ctnn activation: the type needs `static constexpr bool elementwise`
#include <ctnn/ctnn.hpp>
#include <string_view>
struct half {  // a user activation that does not say whether it is elementwise
  static constexpr std::string_view name = "half";
#ifdef CTNN_CONTROL
  static constexpr bool elementwise = true;
#endif
  static constexpr ctnn::init_scheme init = ctnn::init_scheme::glorot;
  static constexpr float apply(float z) noexcept { return 0.5f * z; }
  static constexpr float backward(float, float da) noexcept { return 0.5f * da; }
};
ctnn::network<ctnn::input<2>, ctnn::dense<4, half>> net;
