// SPDX-License-Identifier: Apache-2.0
// ctnn/dynamic.hpp: the same networks run through every Highway target this
// machine supports (dispatch forced with hwy::SetSupportedTargetsForTest),
// single-sample and batched, against the scalar reference. The TU is built
// without -march, so the baseline is low and every target is compiled.
// The test's stateful user layer: its kernel is compiled for every target.
#define CTNN_USER_KERNELS "ema_layer-inl.hpp"
#include "ctnn/dynamic.hpp"

#include <catch2/catch.hpp>

#include "all_targets.hpp"
#include "ema_layer.hpp"
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {
/// A dot-layout first layer (reads input padding), several column blocks,
/// every activation, hidden and output softmax, a 1-unit output, and S4.
using NetA = ctnn::network<ctnn::input<5>, ctnn::dense<3, ctnn::sigmoid>, ctnn::dense<70, ctnn::relu>,
                           ctnn::dense<17, ctnn::tanh>, ctnn::dense<4, ctnn::softmax>>;
using NetB = ctnn::network<ctnn::input<33>, ctnn::dense<130, ctnn::leaky_relu<1, 10>>, ctnn::dense<16, ctnn::softmax>,
                           ctnn::dense<1, ctnn::identity>>;
using NetC = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<10, ctnn::softmax>>;
/// batch_norm first (the input copied with padding), residual blocks (a
/// dot-layout body layer, a nested block), dropout, elu/silu/gelu/gelu_tanh.
using NetD = ctnn::network<
    ctnn::input<13>, ctnn::batch_norm<>, ctnn::dense<24, ctnn::gelu>,
    ctnn::residual<ctnn::dense<5, ctnn::silu>, ctnn::dense<24, ctnn::elu<>>>, ctnn::dropout<1, 5>,
    ctnn::residual<ctnn::batch_norm<>, ctnn::residual<ctnn::dense<24, ctnn::gelu_tanh>>>, ctnn::dense<3, ctnn::softmax>>;

/// A stateful user layer (tests/support/ema_layer.hpp), inside a residual
/// block too, and activation layers.
using NetE = ctnn::network<ctnn::input<7>, ctnn::dense<20>, ctnn::activation<ctnn::gelu>, ctnn_test::ema<1, 4>,
                           ctnn::residual<ctnn::dense<20, ctnn::tanh>, ctnn_test::ema<3, 4>>, ctnn::dense<3>,
                           ctnn::activation<ctnn::softmax>>;

/// The sequence layers: a dilated causal convolution, a GRU, and an LSTM
/// inside a residual block.
using NetF = ctnn::network<ctnn::input<2>, ctnn::conv1d<9, 3, 2, ctnn::tanh>, ctnn::gru<17>,
                           ctnn::residual<ctnn::lstm<17>, ctnn::dense<17>>, ctnn::dense<2>>;

struct worst_error {
  double ratio = 0;  // max |got - ref| / allowed; NaN counts as infinite
  std::size_t count = 0;
  void add(double got, double ref) {
    const double r = std::abs(got - ref) / (1e-5 * (1.0 + std::abs(ref)));
    ratio = std::isnan(r) ? std::numeric_limits<double>::infinity() : std::max(ratio, r);
    ++count;
  }
};

/// dynamic::forward and dynamic::forward_batch (1, 2, 3, 5, 7, 16, 17, 33
/// rows: every GEMM row tile and the 16-sample tile boundary) against
/// reference::forward; allowed 1e-5·(1 + |ref|).
template <class Net>
void compare(worst_error& w, std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  ctnn::rng g(seed + 7);
  if constexpr (Net::buffer_count != 0) {  // batch_norm: running statistics that are not the defaults
    std::vector<float> b(Net::buffer_count);
    for (auto& v : b) v = static_cast<float>(g.uniform()) + 0.25f;
    ctnn::set_buffers(*net, std::span<const float, Net::buffer_count>(b.data(), b.size()));
  }
  constexpr std::size_t In = Net::input_size, Out = Net::output_size;
  for (const std::size_t rows : {1u, 2u, 3u, 5u, 7u, 16u, 17u, 33u}) {
    std::vector<float> x(rows * In), y(rows * Out, std::numeric_limits<float>::quiet_NaN());
    for (auto& v : x) v = static_cast<float>(g.uniform()) * 2.0f - 1.0f;
    ctnn::dynamic::forward_batch(*net, std::span<const float>(x), std::span<float>(y));
    for (std::size_t r = 0; r < rows; ++r) {
      std::array<float, In> xi{};
      std::copy_n(x.begin() + static_cast<long>(r * In), In, xi.begin());
      std::array<float, Out> ref{};
      ctnn::reference::forward(*net, xi.data(), ref.data());
      const auto one = ctnn::dynamic::forward(*net, xi);
      for (std::size_t o = 0; o < Out; ++o) {
        w.add(y[r * Out + o], ref[o]);
        w.add(one[o], ref[o]);
      }
    }
  }
}

/// A stateful network: 20 time steps, a reset() and 5 more, dynamic::forward
/// against the scalar steps of a copy.
template <class Net>
void compare_steps(worst_error& w, std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  auto ref = std::make_unique<Net>(*net);
  ctnn::rng g(seed + 3);
  for (int t = 0; t < 25; ++t) {
    if (t == 20) {
      net->reset();
      ref->reset();
    }
    std::array<float, Net::input_size> x{};
    for (auto& v : x) v = static_cast<float>(g.uniform()) * 2.0f - 1.0f;
    const auto y = ctnn::dynamic::forward(*net, x);
    std::array<float, Net::output_size> r{};
    ref->forward_reference(ref->states(), x.data(), r.data());
    for (std::size_t o = 0; o < Net::output_size; ++o) w.add(y[o], r[o]);
  }
}

/// The target bit whose name ctnn::dynamic reports (0 if none matches).
std::int64_t target_of(const char* name) {
  for (const std::int64_t t : hwy::SupportedAndGeneratedTargets())
    if (std::string(hwy::TargetName(t)) == name) return t;
  return 0;
}
}  // namespace

TEST_CASE("dynamic: all targets — every supported target runs the same networks and matches the reference", "[dynamic]") {
  REQUIRE(hwy::SupportedAndGeneratedTargets().size() >= 2);  // the baseline and at least one better target
  ctnn_test::for_each_target([] { return target_of(ctnn::dynamic::target_name()); }, [] {
    worst_error w;
    compare<NetA>(w, 1);
    compare<NetB>(w, 2);
    compare<NetC>(w, 3);
    compare<NetD>(w, 4);
    compare_steps<NetE>(w, 5);
    compare_steps<NetF>(w, 6);
    INFO("compared " << w.count << " outputs, worst error " << w.ratio << " of the allowance");
    CHECK(w.count > 2000);
    CHECK(w.ratio <= 1.0);
  });
}

TEST_CASE("dynamic: without a forced target, dispatch picks the best supported one", "[dynamic]") {
  hwy::SetSupportedTargetsForTest(0);
  const auto targets = hwy::SupportedAndGeneratedTargets();
  REQUIRE(!targets.empty());
  // SupportedAndGeneratedTargets lists the best target first.
  CHECK(std::string(ctnn::dynamic::target_name()) == hwy::TargetName(targets.front()));
}

TEST_CASE("dynamic: forward_batch refuses mismatched spans", "[dynamic]") {
  NetA net;
  std::vector<float> x(2 * 5), y(3 * 4, -1.0f);
  CHECK_THROWS_AS(ctnn::dynamic::forward_batch(net, std::span<const float>(x), std::span<float>(y)),
                  std::invalid_argument);
  for (float v : y) CHECK(v == -1.0f);
}
