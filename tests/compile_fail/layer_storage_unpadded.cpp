// expect: ctnn layer: parameter_storage must be a multiple of ctnn::pad_floats
#include <ctnn/ctnn.hpp>
// A user-defined layer with one learnable scale per feature, stored unpadded.
template <std::size_t C>
struct my_scale {
  static constexpr std::size_t in_extent = C, out_extent = C, in_padded = ctnn::padded(C), out_padded = in_padded;
  static constexpr bool reads_input_padding = false;
  static constexpr std::size_t parameter_count = C;
#ifdef CTNN_CONTROL
  static constexpr std::size_t parameter_storage = ctnn::padded(C);
#else
  static constexpr std::size_t parameter_storage = C;
#endif
  alignas(ctnn::alignment) float s[parameter_storage]{};
  static constexpr std::size_t storage_index(std::size_t k) { return k; }
  template <class F> constexpr void for_each_parameter(F&& f) const { for (std::size_t c = 0; c < C; ++c) f(s[c]); }
  template <class F> constexpr void for_each_parameter(F&& f) { for (std::size_t c = 0; c < C; ++c) f(s[c]); }
  template <class F> constexpr void for_each_parameter_block(F&& f) { f(s, parameter_storage); }
  template <class F> constexpr void for_each_parameter_block(F&& f) const { f(s, parameter_storage); }
  constexpr void forward(const float* x, float* y) const { for (std::size_t c = 0; c < C; ++c) y[c] = s[c] * x[c]; }
};
struct my_spec {
  static constexpr std::size_t out_extent(std::size_t in) { return in; }
  template <std::size_t I, std::size_t In> static constexpr bool check = true;
  template <std::size_t I, std::size_t In> using layer = my_scale<In>;
};
using Net = ctnn::network<ctnn::input<5>, my_spec, ctnn::dense<2>>;
Net net;
