// expect: ctnn activation: the type needs `static constexpr ctnn::init_scheme init` \(he or glorot\)
#include <ctnn/ctnn.hpp>
#include <string_view>
struct half {  // a user activation without its initialisation scheme
  static constexpr std::string_view name = "half";
  static constexpr bool elementwise = true;
#ifdef CTNN_CONTROL
  static constexpr ctnn::init_scheme init = ctnn::init_scheme::glorot;
#endif
  static constexpr float apply(float z) noexcept { return 0.5f * z; }
  static constexpr float backward(float, float da) noexcept { return 0.5f * da; }
};
ctnn::network<ctnn::input<2>, ctnn::dense<4, half>> net;
