// SPDX-License-Identifier: Apache-2.0
// Backpropagation vs finite differences: the trainer's analytic gradient
// (float, SIMD) against central differences of the double-precision
// reference in reference_loss.hpp. Shared by the trainer and extension tests.
#pragma once

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "reference_loss.hpp"
#include "test_util.hpp"

namespace ctnn_test {

enum class targets { real, binary, probs, labels };

template <class Net>
struct batch_data {
  std::vector<float> x, t;
  std::vector<std::uint32_t> labels;
};

template <class Net>
batch_data<Net> make_batch(std::size_t batch, targets kind, std::uint64_t seed) {
  ctnn::rng g(seed);
  batch_data<Net> d;
  for (std::size_t k = 0; k < batch * Net::input_size; ++k) d.x.push_back(uniform(g, -1.5f, 1.5f));
  constexpr std::size_t Out = Net::output_size;
  for (std::size_t b = 0; b < batch; ++b) {
    if (kind == targets::labels) {
      d.labels.push_back(static_cast<std::uint32_t>(g.below(Out)));
      continue;
    }
    float sum = 0;
    for (std::size_t o = 0; o < Out; ++o) {
      float v = kind == targets::real ? uniform(g, -2.0f, 2.0f)
                                      : (kind == targets::binary ? static_cast<float>(g.below(2)) : uniform(g, 0.0f, 1.0f));
      d.t.push_back(v);
      sum += v;
    }
    if (kind == targets::probs)
      for (std::size_t o = 0; o < Out; ++o) d.t[b * Out + o] /= sum;
  }
  return d;
}

/// `grad` against central differences (h = 1e-6) of the double-precision
/// loss L() in the parameters pd, every `stride`-th one: each within 1e-4 of
/// the gradient scale + 1e-3 relative (a CHECK). Returns how many finite
/// differences exceed 1e-3 of the scale (the check reached them).
template <class F>
std::size_t fd_check(const std::vector<float>& grad, std::vector<double>& pd, F&& L, std::size_t stride) {
  std::vector<double> fd(pd.size(), 0.0);
  double scale = 0;
  for (std::size_t k = 0; k < pd.size(); k += stride) {
    const double h = 1e-6, keep = pd[k];
    pd[k] = keep + h;
    const double up = L();
    pd[k] = keep - h;
    const double down = L();
    pd[k] = keep;
    fd[k] = (up - down) / (2 * h);
    scale = std::max(scale, std::abs(fd[k]));
  }
  REQUIRE(scale > 1e-4);  // the check is not vacuous
  double worst = 0;
  std::size_t worst_k = 0, checked = 0, nonzero = 0;
  for (std::size_t k = 0; k < pd.size(); k += stride) {
    const double err = std::abs(grad[k] - fd[k]) / (1e-4 * scale + 1e-3 * std::abs(fd[k]));
    if (!(err <= worst)) {
      worst = err;
      worst_k = k;
    }
    ++checked;
    nonzero += std::abs(fd[k]) > 1e-3 * scale;
  }
  INFO("parameter " << worst_k << " of " << pd.size() << ": analytic " << grad[worst_k] << ", finite difference "
                    << fd[worst_k] << " (gradient scale " << scale << ", " << checked << " checked, " << nonzero
                    << " clearly non-zero)");
  CHECK(worst <= 1.0);
  return nonzero;
}

/// Analytic gradient (float, SIMD) vs central differences of the double
/// reference, for every parameter (or an evenly spread subset of 600).
template <class Net, class Loss, std::size_t B>
void check_gradient(targets kind, std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  std::vector<float> p(Net::parameter_count);
  ctnn::get_parameters(*net, std::span<float, Net::parameter_count>(p.data(), p.size()));
  ctnn::rng g(seed + 7);
  for (auto& v : p) v += uniform(g, -0.1f, 0.1f);  // non-zero biases too
  ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));

  const auto d = make_batch<Net>(B, kind, seed + 3);
  auto tr = std::make_unique<ctnn::trainer<Net, Loss, ctnn::sgd, B>>();
  std::vector<float> grad(Net::parameter_count, -99.0f);
  const std::span<float, Net::parameter_count> gs(grad.data(), grad.size());
  const typename ctnn::trainer<Net, Loss, ctnn::sgd, B>::input_batch xs(d.x.data(), d.x.size());
  float loss = 0;
  if constexpr (ctnn::detail::loss_takes_labels<Loss>) {
    if (kind == targets::labels) loss = tr->gradient(*net, xs, std::span<const std::uint32_t, B>(d.labels.data(), B), gs);
  }
  if constexpr (ctnn::detail::loss_takes_targets<Loss>) {
    if (kind != targets::labels)
      loss = tr->gradient(*net, xs, std::span<const float, B * Net::output_size>(d.t.data(), d.t.size()), gs);
  }

  std::vector<double> pd(p.begin(), p.end()), xd(d.x.begin(), d.x.end()), td(d.t.begin(), d.t.end());
  auto L = [&] { return reference_loss<Net, Loss>(pd, xd, B, td, d.labels); };
  const double ref = L();
  INFO("loss " << loss << " reference " << ref);
  CHECK(std::abs(loss - ref) <= 1e-5 * std::abs(ref) + 1e-6);

  fd_check(grad, pd, L, std::max<std::size_t>(1, Net::parameter_count / 600));
}

}  // namespace ctnn_test
