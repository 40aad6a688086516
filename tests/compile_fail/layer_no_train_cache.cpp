// expect: ctnn layer: to be trained, the type needs `template <std::size_t Batch> struct train_cache`
#include <ctnn/ctnn.hpp>
// A user-defined layer with the inference protocol and a scratch size but no training cache: it runs, but cannot be trained.
template <std::size_t C>
struct my_layer {
  static constexpr std::size_t in_extent = C, out_extent = C, in_padded = ctnn::padded(C), out_padded = in_padded;
  static constexpr bool reads_input_padding = false;
  static constexpr std::size_t parameter_count = 0, parameter_storage = 0;
  static constexpr std::size_t storage_index(std::size_t k) { return k; }
  template <class F> constexpr void for_each_parameter(F&&) const {}
  template <class F> constexpr void for_each_parameter_block(F&&) const {}
  constexpr void forward(const float* x, float* y) const { for (std::size_t c = 0; c < C; ++c) y[c] = x[c]; }
  template <std::size_t Batch> static constexpr std::size_t train_scratch = 0;
};
struct my_spec {
  static constexpr std::size_t out_extent(std::size_t in) { return in; }
  template <std::size_t I, std::size_t In> static constexpr bool check = true;
  template <std::size_t I, std::size_t In> using layer = my_layer<In>;
};
#ifdef CTNN_CONTROL
using Net = ctnn::network<ctnn::input<4>, ctnn::dense<2>>;  // the layer itself is fine for inference
ctnn::network<ctnn::input<4>, my_spec, ctnn::dense<2>> inference_only;
#else
using Net = ctnn::network<ctnn::input<4>, my_spec, ctnn::dense<2>>;
#endif
ctnn::trainer<Net, ctnn::mse, ctnn::sgd, 2> tr;
