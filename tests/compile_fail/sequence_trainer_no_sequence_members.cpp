// expect: ctnn::sequence_trainer: a stateful layer is trained through time by `template <std::size_t Batch, std::size_t Steps> struct train_sequence_cache`
#include <ctnn/ctnn.hpp>
template <std::size_t C>
struct step_layer {  // a stateful user layer with no sequence training members
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
};
struct step_spec {
  static constexpr std::size_t out_extent(std::size_t in) { return in; }
  template <std::size_t I, std::size_t In> static constexpr bool check = true;
  template <std::size_t I, std::size_t In> using layer = step_layer<In>;
};
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<2>, ctnn::gru<2>, ctnn::dense<1>>;
#else
using Net = ctnn::network<ctnn::input<2>, step_spec, ctnn::dense<1>>;
#endif
ctnn::sequence_trainer<Net, ctnn::mse, ctnn::sgd, 2, 4> tr;
