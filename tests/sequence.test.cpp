// SPDX-License-Identifier: Apache-2.0
// The sequence layers in networks: PyTorch parity over 120–160 steps with
// the state carried across two calls, then reset() and again (fixtures
// written by tools/fixtures/make_sequence_fixtures.py); a GRU, an LSTM and a
// causal convolution evaluated inside constant expressions; PyTorch's
// initialisation; the interchange order; model files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "fixture.hpp"
#include "test_util.hpp"

using namespace ctnn;
using ctnn_test::fixture;

namespace {

using GruNet = network<input<3>, gru<8>, dense<2>>;
using LstmAmp = network<input<1>, residual<lstm<16>, dense<1>>>;
using Stack = network<input<2>, gru<6>, gru<6>, lstm<5>, dense<3, ctnn::tanh>>;
using ConvNet = network<input<1>, conv1d<4, 3, 1, ctnn::tanh>, conv1d<4, 3, 2, ctnn::tanh>, conv1d<5, 2, 4>, dense<1>>;

/// Largest |got − want| / max(|want|, rms(want)) over the outputs: relative,
/// with the signal's own scale as the floor for outputs near zero.
double worst_relative(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  double ms = 0;
  for (double w : want) ms += w * w;
  const double rms = std::sqrt(ms / static_cast<double>(want.size()));
  REQUIRE(rms > 1e-3);  // a fixture of zeros would prove nothing
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - want[i]) / std::max(std::abs(want[i]), rms));
  return worst;
}

/// Runs `steps` steps through net.forward (the SIMD kernels) or the scalar
/// reference, from x[from·in ...].
template <class Net>
std::vector<float> run(Net& net, const std::vector<float>& x, std::size_t from, std::size_t steps, bool reference) {
  std::vector<float> y(steps * Net::output_size);
  for (std::size_t t = 0; t < steps; ++t) {
    const float* xt = x.data() + (from + t) * Net::input_size;
    float* yt = y.data() + t * Net::output_size;
    if (reference) {
      net.forward_reference(net.states(), xt, yt);
    } else {
      net.forward(std::span<const float, Net::input_size>(xt, Net::input_size),
                  std::span<float, Net::output_size>(yt, Net::output_size));
    }
  }
  return y;
}

template <class Net>
void check_parity(const std::string& name) {
  const auto f = fixture::load(std::string(CTNN_GOLDEN_DIR) + "/seq_" + name + ".txt");
  const auto shape = f["shape"];
  const std::size_t steps = static_cast<std::size_t>(shape[0]), split = static_cast<std::size_t>(shape[3]),
                    head = static_cast<std::size_t>(shape[4]);
  REQUIRE(static_cast<std::size_t>(shape[1]) == Net::input_size);
  REQUIRE(static_cast<std::size_t>(shape[2]) == Net::output_size);
  REQUIRE(f["params"].size() == Net::parameter_count);
  auto net = std::make_unique<Net>();
  const auto p = f.as<float>("params");
  set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
  const auto x = f.as<float>("x");
  for (const bool reference : {false, true}) {
    INFO((reference ? "scalar reference" : "SIMD kernels") << ", fixture " << name);
    net->reset();
    // The T steps in two calls of a caller's loop, the state carried over.
    auto y = run(*net, x, 0, split, reference);
    const auto y2 = run(*net, x, split, steps - split, reference);
    y.insert(y.end(), y2.begin(), y2.end());
    const double split_err = worst_relative(y, f["y_split"]);
    CHECK(split_err <= 1e-5);
    // reset(): a new sequence gives the fresh run's outputs again.
    net->reset();
    const double head_err = worst_relative(run(*net, x, 0, head, reference), f["y_head"]);
    CHECK(head_err <= 1e-5);
    WARN(name << (reference ? " (reference)" : " (SIMD)") << ": worst relative error " << split_err << " over "
              << steps << " steps, " << head_err << " after reset()");
  }
}

}  // namespace

TEST_CASE("sequence: GRU(3, 8) + Linear matches PyTorch over 150 steps, state carried, then reset", "[sequence][gru]") {
  check_parity<GruNet>("gru");
}
TEST_CASE("sequence: the LSTM-16 amp model x + W·LSTM(x) matches PyTorch over 160 steps", "[sequence][lstm]") {
  check_parity<LstmAmp>("lstm");
}
TEST_CASE("sequence: GRU num_layers=2 (two gru layers) + LSTM + tanh head matches PyTorch", "[sequence][stack]") {
  check_parity<Stack>("stack");
}
TEST_CASE("sequence: dilated causal Conv1d stack matches PyTorch (left zero padding)", "[sequence][conv1d]") {
  check_parity<ConvNet>("conv");
}

// ------------------------------------------------------------ constexpr

namespace {
constexpr double cabs(double v) { return v < 0 ? -v : v; }

/// A GRU with one unit: every weight 0 but W_in = 1, so r = z = σ(0) = 1/2,
/// n = tanh(x) and h' = (n + h)/2: after three steps of x = 1,
/// h = (1/2 + 1/4 + 1/8)·tanh(1).
constexpr float tiny_gru_three_steps() {
  network<input<1>, gru<1>> net{};
  net.layer<0>().weight_ih(2, 0) = 1.0f;  // row block n, unit 0
  float y = 0;
  for (int t = 0; t < 3; ++t) y = net.forward(std::array{1.0f})[0];
  return y;
}
static_assert(cabs(tiny_gru_three_steps() - 0.875 * 0.76159415595576489) < 1e-6,
              "a GRU evaluated in a constant expression");

/// An LSTM with one unit: W_ig = 1, all else 0: i = f = o = 1/2,
/// g = tanh(x), c' = c/2 + tanh(x)/2, h = tanh(c')/2.
constexpr float tiny_lstm_three_steps() {
  network<input<1>, lstm<1>> net{};
  net.layer<0>().weight_ih(2, 0) = 1.0f;  // row block g
  float y = 0;
  for (int t = 0; t < 3; ++t) y = net.forward(std::array{1.0f})[0];
  return y;
}
static_assert(cabs(tiny_lstm_three_steps() - 0.5 * ctnn::detail::tanh(0.875 * 0.76159415595576489)) <
                  1e-6,
              "an LSTM evaluated in a constant expression");

/// A causal convolution with taps (1, 2, 3), dilation 2: y[t] = x[t−4] +
/// 2·x[t−2] + 3·x[t]; on x = 1, 2, 3, 4, 5 the last output is 1 + 6 + 15.
constexpr float tiny_conv_last() {
  network<input<1>, conv1d<1, 3, 2>> net{};
  for (std::size_t k = 0; k < 3; ++k) net.layer<0>().weight(0, 0, k) = static_cast<float>(k + 1);
  float y = 0;
  for (int t = 1; t <= 5; ++t) y = net.forward(std::array{static_cast<float>(t)})[0];
  return y;
}
static_assert(tiny_conv_last() == 22.0f, "a dilated causal convolution evaluated in a constant expression");
}  // namespace

TEST_CASE("sequence: the constant-expression results hold at run time (SIMD kernels)", "[sequence][constexpr]") {
  network<input<1>, gru<1>> g{};
  g.layer<0>().weight_ih(2, 0) = 1.0f;
  float y = 0;
  for (int t = 0; t < 3; ++t) y = g.forward(std::array{1.0f})[0];
  CHECK(std::abs(y - tiny_gru_three_steps()) < 1e-6);
  network<input<1>, conv1d<1, 3, 2>> c{};
  for (std::size_t k = 0; k < 3; ++k) c.layer<0>().weight(0, 0, k) = static_cast<float>(k + 1);
  for (int t = 1; t <= 5; ++t) y = c.forward(std::array{static_cast<float>(t)})[0];
  CHECK(y == 22.0f);
}

// ------------------------------------------------------------ parameters

TEST_CASE("sequence: initialize draws PyTorch's U(-1/sqrt(H), 1/sqrt(H)) (Conv1d: 1/sqrt(Cin·K))",
          "[sequence][init]") {
  auto net = std::make_unique<network<input<4>, gru<9>, lstm<16>, conv1d<6, 3, 2>>>();
  initialize(*net, 5);
  auto check_layer = [](const auto& layer, double bound) {
    double lo = 0, hi = 0, sum = 0;
    std::size_t n = 0;
    layer.for_each_parameter([&](const float& p) {
      lo = std::min<double>(lo, p);
      hi = std::max<double>(hi, p);
      sum += p;
      ++n;
    });
    CHECK(lo >= -bound);
    CHECK(hi <= bound);
    CHECK(lo < -0.9 * bound);  // the whole range is used
    CHECK(hi > 0.9 * bound);
    CHECK(std::abs(sum / static_cast<double>(n)) < 0.1 * bound);
  };
  check_layer(net->layer<0>(), 1.0 / 3.0);
  check_layer(net->layer<1>(), 0.25);
  check_layer(net->layer<2>(), 1.0 / std::sqrt(48.0));
}

TEST_CASE("sequence: parameters in state_dict order; storage padding stays zero", "[sequence][parameters]") {
  using Net = network<input<3>, gru<5>, conv1d<3, 2, 3>>;
  static_assert(Net::parameter_count == (3 * 5 * 3 + 3 * 5 * 5 + 2 * 15) + (3 * 5 * 2 + 3));
  auto net = std::make_unique<Net>();
  std::vector<float> p(Net::parameter_count);
  for (std::size_t k = 0; k < p.size(); ++k) p[k] = static_cast<float>(k + 1);
  set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
  const auto& g = net->layer<0>();
  CHECK(g.weight_ih(0, 0) == 1.0f);        // weight_ih_l0[0][0]
  CHECK(g.weight_ih(14, 2) == 45.0f);      // weight_ih_l0[14][2]
  CHECK(g.weight_hh(0, 0) == 46.0f);       // weight_hh_l0[0][0]
  CHECK(g.weight_hh(7, 3) == 46.0f + 38);  // weight_hh_l0[7][3]
  CHECK(g.bias_ih(0) == 121.0f);
  CHECK(g.bias_hh(14) == 150.0f);
  const auto& c = net->layer<1>();
  CHECK(c.weight(0, 0, 0) == 151.0f);              // weight[0][0][0]
  CHECK(c.weight(2, 4, 1) == 151.0f + 2 * 10 + 9);  // weight[2][4][1] = (2·5 + 4)·2 + 1
  CHECK(c.bias(2) == 183.0f);
  std::vector<float> back(Net::parameter_count);
  get_parameters(*net, std::span<float, Net::parameter_count>(back.data(), back.size()));
  CHECK(back == p);
  // Every stored float that is not a parameter is zero.
  std::size_t stored_nonzero = 0;
  for_each_layer(*net, [&](auto& layer) {
    layer.for_each_parameter_block([&](const float* q, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) stored_nonzero += q[i] != 0.0f;
    });
  });
  CHECK(stored_nonzero == Net::parameter_count);
}

TEST_CASE("sequence: a model file round trip keeps the outputs bit for bit; the state is not saved",
          "[sequence][io]") {
  auto net = std::make_unique<Stack>();
  initialize(*net, 9);
  const auto path = std::filesystem::temp_directory_path() / "ctnn_sequence_roundtrip.ctnn";
  save(*net, path);
  auto back = std::make_unique<Stack>();
  load(*back, path);
  std::filesystem::remove(path);
  for (int t = 0; t < 50; ++t) {
    const std::array<float, 2> x{std::sin(0.3f * static_cast<float>(t)), std::cos(0.7f * static_cast<float>(t))};
    CHECK(net->forward(x) == back->forward(x));
  }
  // A model file of another recurrent topology is refused by name.
  save(*net, path);
  auto other = std::make_unique<network<input<2>, lstm<6>, lstm<6>, lstm<5>, dense<3, ctnn::tanh>>>();
  CHECK_THROWS_WITH(load(*other, path), Catch::Contains("ctnn::gru<6>"));
  std::filesystem::remove(path);
}

// ------------------------------------------------------------ forward_sequence

namespace {
/// forward_sequence over blocks of the given lengths == forward() step by
/// step, bit for bit, outputs and the state carried between blocks.
template <class Net>
void check_sequence_equals_steps(std::initializer_list<std::size_t> blocks) {
  auto a = std::make_unique<Net>();
  initialize(*a, 17);
  auto b = std::make_unique<Net>();
  *b = *a;
  std::size_t total = 0;
  for (std::size_t n : blocks) total += n;
  std::vector<float> x(total * Net::input_size);
  rng g(3);
  for (float& v : x) v = static_cast<float>(2 * g.uniform() - 1);
  std::vector<float> ys(total * Net::output_size), yb(total * Net::output_size);
  for (std::size_t t = 0; t < total; ++t)
    a->forward(std::span<const float, Net::input_size>(x.data() + t * Net::input_size, Net::input_size),
               std::span<float, Net::output_size>(ys.data() + t * Net::output_size, Net::output_size));
  std::size_t at = 0;
  for (std::size_t n : blocks) {
    b->forward_sequence(std::span<const float>(x.data() + at * Net::input_size, n * Net::input_size),
                        std::span<float>(yb.data() + at * Net::output_size, n * Net::output_size));
    at += n;
  }
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) differ += ys[i] != yb[i];
  INFO("blocks of " << total << " steps: " << differ << " of " << ys.size() << " outputs differ");
  CHECK(differ == 0);
  // The states end equal too: one more step agrees.
  const std::array<float, Net::input_size> x1{};
  CHECK(a->forward(x1) == b->forward(x1));
}
}  // namespace

TEST_CASE("sequence: forward_sequence gives forward()'s bits, block lengths 1 to 700", "[sequence][forward_sequence]") {
  check_sequence_equals_steps<GruNet>({1, 63, 64, 65, 700});
  check_sequence_equals_steps<LstmAmp>({5, 512, 3});
  check_sequence_equals_steps<Stack>({100, 1, 200});
  check_sequence_equals_steps<ConvNet>({1, 2, 3, 64, 130, 512});
  check_sequence_equals_steps<network<input<16>, gru<16>>>({512, 7});
  check_sequence_equals_steps<network<input<64>, lstm<64>>>({17, 512});  // W_ih by GEMM (weights > 28 KB)
  check_sequence_equals_steps<network<input<40>, gru<48>, dense<3>>>({100, 65});
  check_sequence_equals_steps<network<input<3>, conv1d<17, 1>, conv1d<40, 5, 3, ctnn::sigmoid>, dense<2>>>({33, 200});
  // 100 input channels: chunks of 20 rows (at most 2048 chunk inputs).
  check_sequence_equals_steps<network<input<3>, conv1d<100, 2>, conv1d<5, 3, 2, ctnn::tanh>>>({130, 7});
  // A history of 6,000 floats: step by step inside forward_sequence.
  check_sequence_equals_steps<network<input<1>, conv1d<2, 3, 3000>, conv1d<1, 2, 1>>>({4000, 5000});
}

// On the AVX-512 targets a cell of <= 8 units steps on 256-bit vectors on
// AMD CPUs and on 512-bit vectors elsewhere (ctnn/detail/cpu.hpp): both
// must give the same bits (each lane is its own chain). Other static
// targets have one width, and the two runs are the same code.
TEST_CASE("sequence: GRU/LSTM cells of <= 8 units give the same bits on 256- and 512-bit step vectors",
          "[sequence][gru][lstm]") {
  using Net = network<input<2>, gru<1>, gru<8>, lstm<3>, lstm<8>, dense<2>>;
  constexpr std::size_t T = 300;
  std::vector<float> x(T * Net::input_size);
  ctnn::rng g(11);
  for (float& v : x) v = static_cast<float>(3 * g.uniform() - 1.5);
  auto run = [&](ctnn::detail::step_width w) {
    const ctnn_test::step_width_scope scope(w);
    auto net = std::make_unique<Net>();
    ctnn::initialize(*net, 5);
    std::vector<float> y(T * Net::output_size);
    for (std::size_t t = 0; t < T; ++t)
      net->forward(std::span<const float, Net::input_size>(x.data() + t * Net::input_size, Net::input_size),
                   std::span<float, Net::output_size>(y.data() + t * Net::output_size, Net::output_size));
    return y;
  };
  const auto half = run(ctnn::detail::step_width::half), full = run(ctnn::detail::step_width::full);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < half.size(); ++i) differ += std::memcmp(&half[i], &full[i], sizeof(float)) != 0;
  INFO(differ << " of " << half.size() << " outputs differ; static target " << hwy::TargetName(HWY_STATIC_TARGET));
  CHECK(differ == 0);
  CHECK(std::abs(half.back()) > 0);  // the outputs are not all zero
}

TEST_CASE("sequence: forward_sequence with static extents; mismatched spans throw and write nothing",
          "[sequence][forward_sequence]") {
  auto net = std::make_unique<GruNet>();
  initialize(*net, 1);
  std::array<float, 3 * 10> x{};
  std::array<float, 2 * 10> y{};
  net->forward_sequence(std::span<const float, 30>(x), std::span<float, 20>(y));
  std::vector<float> yd(19, 7.0f);
  CHECK_THROWS_WITH(net->forward_sequence(std::span<const float>(x.data(), x.size()), std::span<float>(yd)),
                    Catch::Contains("forward_sequence"));
  CHECK(std::all_of(yd.begin(), yd.end(), [](float v) { return v == 7.0f; }));
}

// ------------------------------------------------------------ import

namespace {
/// A model file written by tools/import_pytorch.py from a torch.save'd
/// module loads into the network type the tool printed, and streams the
/// module's outputs (PyTorch, whole sequence) step by step.
template <class Net>
void check_import(const std::string& name) {
  auto net = std::make_unique<Net>();
  load(*net, std::string(CTNN_GOLDEN_DIR) + "/imported_" + name + ".ctnn");
  const auto f = fixture::load(std::string(CTNN_GOLDEN_DIR) + "/imported_" + name + "_io.txt");
  const auto x = f.as<float>("x");
  REQUIRE(x.size() == f["y"].size());
  const double err = worst_relative(run(*net, x, 0, x.size(), false), f["y"]);
  WARN(name << ": worst relative error " << err << " over " << x.size() << " steps");
  CHECK(err <= 1e-5);
}
}  // namespace

TEST_CASE("sequence: an amp model (GRU num_layers=2, Linear, skip) imported by tools/import_pytorch.py",
          "[sequence][import]") {
  check_import<network<input<1>, residual<gru<12>, gru<12>, dense<1, ctnn::identity>>>>("amp");
}
TEST_CASE("sequence: Conv1d layers with Tanh and a Linear head imported by tools/import_pytorch.py",
          "[sequence][import]") {
  check_import<network<input<1>, conv1d<6, 3, 1, ctnn::tanh>, conv1d<6, 2, 2, ctnn::tanh>, dense<1, ctnn::identity>>>(
      "conv");
}

TEST_CASE("sequence: topology names (ctnn::topology_name) and C++ spec names (model files, headers)",
          "[sequence][names]") {
  CHECK(topology_name<ConvNet>() == "1-conv4k3d1(tanh)-conv4k3d2(tanh)-conv5k2d4(identity)-1(identity)");
  CHECK(topology_name<Stack>() == "2-gru6-gru6-lstm5-3(tanh)");
  CHECK(network_signature<LstmAmp>() ==
        "ctnn::network<ctnn::input<1>, ctnn::residual<ctnn::lstm<16>, ctnn::dense<1, ctnn::identity>>>");
}
