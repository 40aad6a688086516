// SPDX-License-Identifier: Apache-2.0
// batch_norm, residual, dropout and the elu/silu/gelu activations: PyTorch
// parity (fixtures from tools/fixtures/make_layer_fixtures.py), backprop vs
// finite differences, dropout's masks, batch-norm running statistics, model
// files with buffers, and the PyTorch import round trip (a committed model
// file and header made by tools/import_pytorch.py).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/export_header.hpp"
#include "fixture.hpp"
#include "extend/feature_scale.hpp"
#include "imported_model.hpp"
#include "test_util.hpp"

using namespace ctnn_test;
using ctnn::batch_norm;
using ctnn::dense;
using ctnn::dropout;
using ctnn::input;
using ctnn::network;
using ctnn::residual;

namespace {
using ActsNet = network<input<4>, dense<9, ctnn::elu<>>, dense<8, ctnn::silu>, dense<7, ctnn::gelu>,
                        dense<6, ctnn::gelu_tanh>, dense<3>>;
using BnResNet = network<input<5>, dense<16, ctnn::relu>, batch_norm<>, residual<dense<8, ctnn::relu>, dense<16>>,
                         batch_norm<>, dense<4, ctnn::softmax>>;
using DropNet = network<input<5>, dense<8, ctnn::relu>, dropout<1, 4>, dense<3>>;
// The type tools/import_pytorch.py printed (tests/golden/imported_io.txt).
using ImportedNet = network<input<6>, dense<32, ctnn::gelu>, batch_norm<1, 10, 5>,
                            residual<dense<32, ctnn::silu>, dense<32, ctnn::identity>>, dropout<1, 10, 0>,
                            dense<10, ctnn::softmax>>;

fixture golden(const std::string& name) { return fixture::load(std::string(CTNN_GOLDEN_DIR) + "/" + name); }

template <class Net>
std::unique_ptr<Net> net_from(const fixture& f) {
  auto net = std::make_unique<Net>();
  const auto p = f.as<float>("params");
  REQUIRE(p.size() == Net::parameter_count);
  ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
  if constexpr (Net::buffer_count != 0) {
    const auto b = f.as<float>("buffers");
    REQUIRE(b.size() == Net::buffer_count);
    ctnn::set_buffers(*net, std::span<const float, Net::buffer_count>(b.data(), b.size()));
  }
  return net;
}

/// Row-by-row forward() and forward_batch() of `x`.
template <class Net>
std::pair<std::vector<float>, std::vector<float>> outputs(const Net& net, const std::vector<float>& x) {
  const std::size_t rows = x.size() / Net::input_size;
  std::vector<float> single, batched(rows * Net::output_size);
  for (std::size_t r = 0; r < rows; ++r) {
    std::array<float, Net::input_size> in{};
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(r * Net::input_size), Net::input_size, in.begin());
    const auto y = net.forward(in);
    single.insert(single.end(), y.begin(), y.end());
  }
  net.forward_batch(std::span<const float>(x), std::span<float>(batched));
  return {single, batched};
}

std::vector<double> softmax_rows(const std::vector<double>& z, std::size_t n) {
  std::vector<double> p(z.size());
  for (std::size_t r = 0; r < z.size() / n; ++r) {
    double m = z[r * n], s = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, z[r * n + i]);
    for (std::size_t i = 0; i < n; ++i) s += std::exp(z[r * n + i] - m);
    for (std::size_t i = 0; i < n; ++i) p[r * n + i] = std::exp(z[r * n + i] - m) / s;
  }
  return p;
}

template <class Net>
std::vector<float> params_of(const Net& net) {
  std::vector<float> p(Net::parameter_count);
  ctnn::get_parameters(net, std::span<float, Net::parameter_count>(p.data(), p.size()));
  return p;
}
template <class Net>
std::vector<float> buffers_of(const Net& net) {
  std::vector<float> b(Net::buffer_count);
  ctnn::get_buffers(net, std::span<float, Net::buffer_count>(b.data(), b.size()));
  return b;
}

/// Backprop vs central differences of the trainer's own float loss (h =
/// 1e-3; tolerance 2e-3 of the gradient scale + 2 % of the entry: float FD
/// noise is ~1e-4, a wrong formula is off by O(1)). PyTorch parity pins the
/// gradients to 1e-5; this adds topologies PyTorch does not cover (dropout
/// masks, residual blocks first, batch norm last).
template <class Net, class Loss, std::size_t B>
void check_gradient_fd(std::uint64_t seed) {
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, seed);
  auto p = params_of(*net);
  ctnn::rng g(seed + 1);
  for (auto& v : p) v += uniform(g, -0.2f, 0.2f);
  ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
  std::vector<float> x(B * Net::input_size), t(B * Net::output_size);
  for (auto& v : x) v = uniform(g, -1.5f, 1.5f);
  for (auto& v : t) v = uniform(g, -1.0f, 1.0f);
  auto tr = std::make_unique<ctnn::trainer<Net, Loss, ctnn::sgd, B>>();
  const std::span<const float, B * Net::input_size> xs(x.data(), x.size());
  const std::span<const float, B * Net::output_size> ts(t.data(), t.size());
  std::vector<float> grad(Net::parameter_count);
  tr->gradient(*net, xs, ts, std::span<float, Net::parameter_count>(grad.data(), grad.size()));
  std::vector<double> fd(Net::parameter_count);
  double scale = 0;
  for (std::size_t k = 0; k < Net::parameter_count; ++k) {
    const float keep = p[k], h = 1e-3f;
    p[k] = keep + h;
    ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
    const double up = tr->loss(*net, xs, ts);
    p[k] = keep - h;
    ctnn::set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
    const double down = tr->loss(*net, xs, ts);
    p[k] = keep;
    fd[k] = (up - down) / (2.0 * h);
    scale = std::max(scale, std::abs(fd[k]));
  }
  REQUIRE(scale > 1e-3);
  double worst = 0;
  std::size_t at = 0;
  for (std::size_t k = 0; k < Net::parameter_count; ++k) {
    const double e = std::abs(grad[k] - fd[k]) / (2e-3 * scale + 2e-2 * std::abs(fd[k]));
    if (!(e <= worst)) {
      worst = e;
      at = k;
    }
  }
  INFO("parameter " << at << ": backprop " << grad[at] << ", finite difference " << fd[at] << " (scale " << scale
                    << ")");
  CHECK(worst <= 1.0);
}
/// A fixture with params, x, targets, out, loss, grad and adam (3 steps of
/// Adam, lr 0.01) on an MSE loss: forward (single and batched), loss and
/// gradient within 1e-5, parameters after the steps within 1e-4.
template <class Net, std::size_t B>
void check_mse_adam_case(const std::string& file) {
  const auto f = golden(file);
  auto net = net_from<Net>(f);
  const auto x = f.as<float>("x"), t = f.as<float>("targets");
  const auto [single, batched] = outputs(*net, x);
  CHECK(rel_error(single, f["out"]) <= 1e-5);
  CHECK(rel_error(batched, f["out"]) <= 1e-5);
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::mse, ctnn::adam, B>>(ctnn::adam{.learning_rate = 0.01f});
  std::vector<float> g(Net::parameter_count);
  const std::span<const float, B * Net::input_size> xs(x.data(), x.size());
  const std::span<const float, B * Net::output_size> ts(t.data(), t.size());
  const float loss = tr->gradient(*net, xs, ts, std::span<float, Net::parameter_count>(g.data(), g.size()));
  CHECK(std::abs(loss - f["loss"][0]) <= 1e-5 * std::abs(f["loss"][0]));
  const double ge = rel_error(g, f["grad"]);
  INFO(file << ": gradient relative error " << ge);
  CHECK(ge <= 1e-5);
  for (int s = 0; s < 3; ++s) tr->step(*net, xs, ts);
  CHECK(rel_error(params_of(*net), f["adam"]) <= 1e-4);
}

}  // namespace

TEST_CASE("layers: elu, silu, gelu, gelu_tanh match PyTorch (forward, loss, gradient, 3 Adam steps)",
          "[layers][pytorch]") {
  check_mse_adam_case<ActsNet, 5>("layers_acts.txt");
}

TEST_CASE("layers: a user-defined layer (examples/extend/feature_scale.hpp) matches PyTorch and finite differences",
          "[layers][pytorch][extend]") {
  using Net = network<input<4>, dense<6, ctnn::tanh>, example::feature_scale, dense<2>>;
  static_assert(ctnn::Layer<Net::layer_type<1>>);
  check_mse_adam_case<Net, 5>("layers_custom_scale.txt");
  check_gradient_fd<network<input<3>, example::feature_scale, dense<5, ctnn::gelu>, example::feature_scale, dense<2>>,
                    ctnn::mse, 4>(9);
  CHECK(ctnn::network_signature<Net>() ==
        "ctnn::network<ctnn::input<4>, ctnn::dense<6, ctnn::tanh>, example::feature_scale, ctnn::dense<2, "
        "ctnn::identity>>");
}

TEST_CASE("layers: batch_norm and residual match PyTorch (eval forward, train gradient, running statistics)",
          "[layers][pytorch]") {
  const auto f = golden("layers_bn_res.txt");
  auto net = net_from<BnResNet>(f);
  const auto x = f.as<float>("x");
  const auto labels = f.as<std::uint32_t>("labels");
  // Eval mode: running statistics. PyTorch's model ends in logits; ours in softmax.
  const auto [single, batched] = outputs(*net, x);
  const auto expected = softmax_rows(f["eval_out"], 4);
  CHECK(rel_error(single, expected) <= 1e-5);
  CHECK(rel_error(batched, expected) <= 1e-5);
  // Train mode: batch statistics.
  auto tr = std::make_unique<ctnn::trainer<BnResNet, ctnn::cross_entropy, ctnn::sgd, 6>>(
      ctnn::sgd{.learning_rate = 0.1f, .momentum = 0.9f});
  std::vector<float> g(BnResNet::parameter_count);
  const std::span<const float, 30> xs(x.data(), x.size());
  const std::span<const std::uint32_t, 6> ls(labels.data(), labels.size());
  const float loss = tr->gradient(*net, xs, ls, std::span<float, BnResNet::parameter_count>(g.data(), g.size()));
  CHECK(std::abs(loss - f["loss"][0]) <= 1e-5 * std::abs(f["loss"][0]));
  const double ge = rel_error(g, f["grad"]);
  INFO("gradient relative error " << ge);
  CHECK(ge <= 1e-5);
  // gradient() and loss() leave the running statistics alone; step() moves them.
  CHECK(rel_error(buffers_of(*net), f["buffers"]) <= 1e-7);  // as read (text has 9 digits)
  for (int s = 0; s < 3; ++s) tr->step(*net, xs, ls);
  CHECK(rel_error(params_of(*net), f["sgd_momentum"]) <= 1e-4);
  CHECK(rel_error(buffers_of(*net), f["buffers_after"]) <= 1e-5);
}

TEST_CASE("layers: dropout is the identity at inference, like PyTorch's eval mode", "[layers][pytorch]") {
  const auto f = golden("layers_dropout.txt");
  auto net = net_from<DropNet>(f);
  const auto [single, batched] = outputs(*net, f.as<float>("x"));
  CHECK(rel_error(single, f["eval_out"]) <= 1e-5);
  CHECK(rel_error(batched, f["eval_out"]) <= 1e-5);
}

TEST_CASE("layers: backprop through batch_norm, residual, dropout and the new activations vs finite differences",
          "[layers][gradient]") {
  check_gradient_fd<network<input<3>, batch_norm<>, dense<6, ctnn::gelu>, batch_norm<1, 5, 3>, dense<2>>, ctnn::mse,
                    5>(1);
  check_gradient_fd<network<input<4>, residual<dense<5, ctnn::silu>, dense<4, ctnn::elu<1, 2>>>,
                    residual<batch_norm<>, dense<4, ctnn::gelu_tanh>>, dense<3, ctnn::sigmoid>>,
                    ctnn::binary_cross_entropy, 4>(2);
  // Dropout: the mask is fixed until a step is taken, so FD sees the same one.
  check_gradient_fd<network<input<4>, dense<9, ctnn::tanh>, dropout<1, 3, 7>, dense<3>>, ctnn::mse, 6>(3);
}

TEST_CASE("layers: dropout masks — rate, scaling, fixed within a step, new after it, reproducible", "[layers][dropout]") {
  using Net = network<input<64>, dropout<1, 4, 5>, dense<2>>;
  auto net = std::make_unique<Net>();
  ctnn::initialize(*net, 1);
  constexpr std::size_t B = 32;
  std::vector<float> x(B * 64, 1.0f), t(B * 2, 0.0f);
  const std::span<const float, B * 64> xs(x.data(), x.size());
  const std::span<const float, B * 2> ts(t.data(), t.size());
  auto tr = std::make_unique<ctnn::trainer<Net, ctnn::mse, ctnn::sgd, B>>(ctnn::sgd{.learning_rate = 0.0f});
  std::vector<float> g1(Net::parameter_count), g2(Net::parameter_count), g3(Net::parameter_count);
  auto grad = [&](std::vector<float>& g) {
    tr->gradient(*net, xs, ts, std::span<float, Net::parameter_count>(g.data(), g.size()));
  };
  grad(g1);
  grad(g2);
  CHECK(g1 == g2);  // same mask until a step is taken
  tr->step(*net, xs, ts);  // learning rate 0: parameters unchanged, new masks
  grad(g3);
  CHECK(g3 != g1);
  // Count zeros in the dropped input by running the layer directly.
  const auto& layer = net->layer<0>();
  using Layer = std::remove_cvref_t<decltype(layer)>;
  Layer::train_cache<B> c;
  std::vector<float> X(B * 64, 1.0f), Y(B * 64);
  float s = 0;
  layer.train_forward<ctnn::detail::backend<ctnn::detail::static_target>, B>(c, X.data(), Y.data(), &s);
  std::size_t zeros = 0;
  for (float v : Y) {
    CHECK((v == 0.0f || std::abs(v - 4.0f / 3.0f) < 1e-6f));
    zeros += v == 0.0f;
  }
  const double rate = static_cast<double>(zeros) / Y.size();
  INFO("dropped fraction " << rate);
  CHECK(std::abs(rate - 0.25) < 0.03);  // 2048 draws: 3 sigma ≈ 0.029
  // Same seed, same masks; after commit, different masks.
  Layer::train_cache<B> c2;
  std::vector<float> Y2(B * 64);
  layer.train_forward<ctnn::detail::backend<ctnn::detail::static_target>, B>(c2, X.data(), Y2.data(), &s);
  CHECK(Y == Y2);
  layer.train_commit(c2);
  layer.train_forward<ctnn::detail::backend<ctnn::detail::static_target>, B>(c2, X.data(), Y2.data(), &s);
  CHECK(Y != Y2);
}

TEST_CASE("layers: batch_norm defaults, initialize, and the inference affine", "[layers][batch_norm]") {
  using Net = network<input<3>, batch_norm<>>;
  Net net;
  // Default and initialize(): γ = 1, β = 0, mean 0, var 1 — y = x/√(1 + ε).
  ctnn::initialize(net, 3);
  const auto y = net.forward(std::array<float, 3>{1.0f, -2.0f, 0.5f});
  CHECK(y[0] == Approx(1.0 / std::sqrt(1.0 + 1e-5)).epsilon(1e-6));
  CHECK(y[1] == Approx(-2.0 / std::sqrt(1.0 + 1e-5)).epsilon(1e-6));
  auto& bn = net.layer<0>();
  bn.gamma(0) = 2.0f;
  bn.beta(0) = 0.5f;
  bn.running_mean(0) = 1.0f;
  bn.running_var(0) = 4.0f;
  const auto z = net.forward(std::array<float, 3>{3.0f, 0.0f, 0.0f});
  CHECK(z[0] == Approx((3.0 - 1.0) * 2.0 / std::sqrt(4.0 + 1e-5) + 0.5).epsilon(1e-6));
  static_assert(Net::parameter_count == 6 && Net::buffer_count == 6);
}

TEST_CASE("layers: model files keep batch_norm running statistics (format version 2)", "[layers][io]") {
  const auto f = golden("layers_bn_res.txt");
  auto net = net_from<BnResNet>(f);
  const auto path = std::filesystem::temp_directory_path() / "ctnn_layers_bn.ctnn";
  ctnn::save(*net, path);
  auto back = std::make_unique<BnResNet>();
  ctnn::load(*back, path);
  CHECK(params_of(*back) == params_of(*net));
  CHECK(buffers_of(*back) == buffers_of(*net));
  // A truncated file is refused and changes nothing.
  auto bytes = ctnn::serialize(*net);
  bytes.resize(bytes.size() - 12);
  auto untouched = std::make_unique<BnResNet>();
  CHECK_THROWS_WITH(ctnn::deserialize(*untouched, bytes), Catch::Contains("truncated"));
  CHECK(buffers_of(*untouched) == buffers_of(BnResNet{}));
  // A version-1 image (no buffers) is refused for a network that has some.
  auto v1 = ctnn::serialize(*net);
  v1[8] = 1;
  CHECK_THROWS_WITH(ctnn::deserialize(*untouched, v1), Catch::Contains("running statistics"));
  std::filesystem::remove(path);
}

TEST_CASE("layers: PyTorch import round trip — model file and header from tools/import_pytorch.py", "[layers][import]") {
  const auto io = golden("imported_io.txt");
  auto net = std::make_unique<ImportedNet>();
  ctnn::load(*net, std::string(CTNN_GOLDEN_DIR) + "/imported.ctnn");  // checks the signature: the printed type
  const auto x = io.as<float>("x");
  const auto [single, batched] = outputs(*net, x);
  CHECK(rel_error(single, io["out"]) <= 1e-5);
  CHECK(rel_error(batched, io["out"]) <= 1e-5);
  // The header holds the same model (built at program start).
  static_assert(std::is_same_v<imported::network_type, ImportedNet>);
  const auto [from_header, unused] = outputs(imported::network, x);
  CHECK(from_header == single);
  CHECK(ctnn::network_signature<ImportedNet>() == ctnn::network_signature<imported::network_type>());
  // The script writes the header's code exactly as ctnn::export_header does.
  std::ifstream in(std::string(CTNN_GOLDEN_DIR) + "/imported_model.hpp");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK_THAT(text, Catch::Contains(ctnn::detail::exported_network_text(true)));
}

TEST_CASE("layers: PyTorch's Linear -> BatchNorm1d -> GELU imports with a ctnn::activation layer", "[layers][import]") {
  // The type tools/import_pytorch.py printed (tests/golden/imported_activation_io.txt).
  using Net = ctnn::network<ctnn::input<5>, ctnn::dense<12, ctnn::identity>, ctnn::batch_norm<1, 10, 5>,
                            ctnn::activation<ctnn::gelu>, ctnn::dense<4, ctnn::tanh>>;
  const auto io = golden("imported_activation_io.txt");
  auto net = std::make_unique<Net>();
  ctnn::load(*net, std::string(CTNN_GOLDEN_DIR) + "/imported_activation.ctnn");  // checks the signature
  const auto x = io.as<float>("x");
  const auto [single, batched] = outputs(*net, x);
  CHECK(rel_error(single, io["out"]) <= 1e-5);
  CHECK(rel_error(batched, io["out"]) <= 1e-5);
}
