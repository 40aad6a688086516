// expect: ctnn::dynamic::forward_batch: the network keeps state; call forward\(\) per step
#include <ctnn/dynamic.hpp>
template <std::size_t C>
struct step_layer {  // a stateful user layer: y = x + (state), state = x
  static constexpr std::size_t in_extent = C, out_extent = C, in_padded = ctnn::padded(C), out_padded = in_padded;
  static constexpr bool reads_input_padding = false;
  static constexpr std::size_t parameter_count = 0, parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) { return k; }
  template <class F> constexpr void for_each_parameter(F&&) const {}
  template <class F> constexpr void for_each_parameter_block(F&&) const {}
  static constexpr bool is_stateful = true;
  struct state { float s[C]{}; };
  constexpr void forward(state& st, const float* x, float* y) const {
    for (std::size_t c = 0; c < C; ++c) { y[c] = x[c] + st.s[c]; st.s[c] = x[c]; }
  }
  template <std::size_t Batch> struct train_cache {};
  template <std::size_t Batch> static constexpr std::size_t train_scratch = 1;
};
struct step_spec {
  static constexpr std::size_t out_extent(std::size_t in) { return in; }
  template <std::size_t I, std::size_t In> static constexpr bool check = true;
  template <std::size_t I, std::size_t In> using layer = step_layer<In>;
};
using Net = ctnn::network<ctnn::input<2>, step_spec>;
void f(Net& net, const float* x, float* y) {
#ifdef CTNN_CONTROL
  ctnn::dynamic::forward(net, std::span<const float, 2>(x, 2), std::span<float, 2>(y, 2));
#else
  ctnn::dynamic::forward_batch(net, std::span<const float, 4>(x, 4), std::span<float, 4>(y, 4));
#endif
}
