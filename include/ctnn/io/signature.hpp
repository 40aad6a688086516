// SPDX-License-Identifier: Apache-2.0
// ctnn/io/signature.hpp — a network type as C++ source text, e.g.
// "ctnn::network<ctnn::input<2>, ctnn::dense<16, ctnn::relu>, ...>". It is the
// topology signature stored in model files (a file made for another topology
// is refused with both texts in the message) and the type written by
// export_header().
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "ctnn/activations.hpp"
#include "ctnn/layers/dense.hpp"

namespace ctnn {

/// C++ spelling of an activation tag.
template <class Act>
std::string activation_cpp_name() {
  if constexpr (detail::is_leaky_relu<Act>) {
    return "ctnn::leaky_relu<" + std::to_string(Act::numerator) + ", " + std::to_string(Act::denominator) + ">";
  } else {
    return "ctnn::" + std::string(Act::name);
  }
}

/// C++ spelling of the spec that produces a layer (the layout is not part of
/// it: files hold parameters in interchange order, whatever the layout).
template <std::size_t In, std::size_t Out, class Act, layout L>
std::string spec_cpp_name(const dense_layer<In, Out, Act, L>*) {
  return "ctnn::dense<" + std::to_string(Out) + ", " + activation_cpp_name<Act>() + ">";
}

/// The network type as C++ source text.
template <class Net>
std::string network_signature() {
  std::string s = "ctnn::network<ctnn::input<" + std::to_string(Net::input_size) + ">";
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((s += ", " + spec_cpp_name(static_cast<const typename Net::template layer_type<I>*>(nullptr))), ...);
  }(std::make_index_sequence<Net::layer_count>{});
  return s + ">";
}

}  // namespace ctnn
