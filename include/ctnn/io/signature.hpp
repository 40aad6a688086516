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
#include <vector>

#include "ctnn/layers/layer.hpp"

namespace ctnn {

/// C++ spelling of the spec that produces a layer: the layer's own
/// cpp_spec_name() (the layout of a dense layer is not part of it: files hold
/// parameters in interchange order, whatever the layout).
template <class Layer>
std::string spec_cpp_name(const Layer*) {
  return detail::spec_cpp_name<Layer>();
}

/// The network type as C++ source text.
template <class Net>
std::string network_signature() {
  std::string s = "ctnn::network<ctnn::input<" + std::to_string(Net::input_size) + ">";
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((s += ", " + detail::spec_cpp_name<typename Net::template layer_type<I>>()), ...);
  }(std::make_index_sequence<Net::layer_count>{});
  return s + ">";
}

namespace detail {
/// The top-level parts of a network signature: "ctnn::input<N>" and then one
/// spec per layer (nested template arguments kept whole).
inline std::vector<std::string> signature_parts(const std::string& sig) {
  std::vector<std::string> parts;
  const std::string head = "ctnn::network<";
  if (sig.size() < head.size() + 1 || sig.compare(0, head.size(), head) != 0 || sig.back() != '>') return {sig};
  int depth = 0;
  std::string cur;
  for (std::size_t k = head.size(); k + 1 < sig.size(); ++k) {
    const char c = sig[k];
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
      while (k + 1 < sig.size() && sig[k + 1] == ' ') ++k;
      continue;
    }
    cur += c;
  }
  parts.push_back(cur);
  return parts;
}

/// Where two network signatures first differ, in words: "layer 1 differs:
/// the file has ctnn::dense<64, ctnn::relu>, this network
/// ctnn::dense<32, ctnn::relu>" (layers counted from 0 after ctnn::input, as
/// network::layer<I>), or the input, or the number of layers.
inline std::string signature_difference(const std::string& file_sig, const std::string& net_sig) {
  const auto a = signature_parts(file_sig), b = signature_parts(net_sig);
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) {
    if (a[k] == b[k]) continue;
    if (k == 0) return "the input differs: the file has " + a[0] + ", this network " + b[0];
    return "layer " + std::to_string(k - 1) + " differs: the file has " + a[k] + ", this network " + b[k];
  }
  if (a.size() == b.size()) return "";
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  return "the file has " + std::to_string(a.size() - 1) + " layers, this network " + std::to_string(b.size() - 1) +
         " (first unmatched: layer " + std::to_string(n - 1) + ", " + (a.size() > b.size() ? a[n] : b[n]) +
         (a.size() > b.size() ? " in the file)" : " in this network)");
}
}  // namespace detail

}  // namespace ctnn
