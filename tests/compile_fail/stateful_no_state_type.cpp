// expect: ctnn layer: a type with is_stateful = true needs a member type `state`
#include <ctnn/ctnn.hpp>
template <std::size_t C>
struct my_layer {
  static constexpr std::size_t in_extent = C, out_extent = C, in_padded = ctnn::padded(C), out_padded = in_padded;
  static constexpr bool reads_input_padding = false;
  static constexpr std::size_t parameter_count = 0, parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) { return k; }
  template <class F> constexpr void for_each_parameter(F&&) const {}
  template <class F> constexpr void for_each_parameter_block(F&&) const {}
#ifdef CTNN_CONTROL
  static constexpr bool is_stateful = false;
#else
  static constexpr bool is_stateful = true;  // ... but no `struct state`
#endif
  constexpr void forward(const float* x, float* y) const { for (std::size_t c = 0; c < C; ++c) y[c] = x[c]; }
};
struct my_spec {
  static constexpr std::size_t out_extent(std::size_t in) { return in; }
  template <std::size_t I, std::size_t In> static constexpr bool check = true;
  template <std::size_t I, std::size_t In> using layer = my_layer<In>;
};
ctnn::network<ctnn::input<3>, my_spec> net;
