// SPDX-License-Identifier: Apache-2.0
// ctnn::sequence_trainer — truncated backpropagation through time: the
// gradient of a window (carried states, warm-up) against central finite
// differences of a double-precision reference (tests/support/
// sequence_reference.hpp) for GRU, LSTM, dilated Conv1D, stacks and a
// residual skip, with mse and the pre-emphasised ESR; the states a window
// leaves equal streaming inference's; bit-identical reruns; divergence
// leaves everything as it was; warm-up's input checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "gradient_check.hpp"
#include "sequence_reference.hpp"

using namespace ctnn;
using ctnn_test::ref_net;

namespace {

std::vector<float> random_signal(std::size_t n, std::uint64_t seed, float scale) {
  rng g(seed);
  std::vector<float> v(n);
  for (auto& e : v) e = static_cast<float>((2 * g.uniform() - 1) * scale);
  return v;
}

/// Window loss of the double reference from the trainer's states `start`.
template <class Net, class Loss, std::size_t B, std::size_t T>
double reference_window_loss(const std::vector<double>& p, const std::array<typename Net::state_type, B>& start,
                             const std::vector<double>& x, const std::vector<double>& t) {
  std::vector<double> y;
  for (std::size_t b = 0; b < B; ++b) {
    auto st = ref_net<Net>::load(start[b]);
    const auto yb = ref_net<Net>::run(p, st, x.data() + b * T * Net::input_size, T);
    y.insert(y.end(), yb.begin(), yb.end());
  }
  if constexpr (std::is_same_v<Loss, mse>) {
    return ctnn_test::mse_double(y, t);
  } else {
    return ctnn_test::esr_double(y, t, B, T, Net::output_size, Loss::pre_emphasis);
  }
}

/// BPTT gradient (float, SIMD) vs central differences of the double
/// reference, every parameter, from states left by a warm-up of W steps.
template <class Net, class Loss, std::size_t B, std::size_t T>
void check_bptt(std::uint64_t seed, std::size_t warm) {
  auto net = std::make_unique<Net>();
  initialize(*net, seed);
  std::vector<float> p(Net::parameter_count);
  get_parameters(*net, std::span<float, Net::parameter_count>(p.data(), p.size()));
  const auto jitter = random_signal(p.size(), seed + 1, 0.1f);
  for (std::size_t k = 0; k < p.size(); ++k) p[k] += jitter[k];  // biases non-zero too
  set_parameters(*net, std::span<const float, Net::parameter_count>(p.data(), p.size()));

  using Tr = sequence_trainer<Net, Loss, sgd, B, T>;
  auto tr = std::make_unique<Tr>();
  const auto head = random_signal(B * warm * Net::input_size, seed + 2, 1.0f);
  tr->warm_up(*net, head);
  const auto start = tr->states();
  const auto x = random_signal(B * T * Net::input_size, seed + 3, 1.0f);
  const auto y = random_signal(B * T * Net::output_size, seed + 4, 0.8f);
  std::vector<float> grad(Net::parameter_count, -99.0f);
  const float loss = tr->gradient(*net, typename Tr::input_window(x.data(), x.size()),
                                  typename Tr::target_window(y.data(), y.size()),
                                  std::span<float, Net::parameter_count>(grad.data(), grad.size()));
  // gradient() leaves the states where they were.
  CHECK(std::memcmp(&tr->states(), &start, sizeof(start)) == 0);

  std::vector<double> pd(p.begin(), p.end()), xd(x.begin(), x.end()), td(y.begin(), y.end());
  auto L = [&] { return reference_window_loss<Net, Loss, B, T>(pd, start, xd, td); };
  const double ref = L();
  INFO("loss " << loss << " reference " << ref);
  CHECK(std::abs(loss - ref) <= 1e-5 * std::abs(ref) + 1e-6);

  const std::size_t nonzero = ctnn_test::fd_check(grad, pd, L, 1);
  CHECK(nonzero > pd.size() / 4);  // many parameters matter: the window reaches them
}

using Gru = network<input<2>, gru<5>, dense<2>>;
using Amp = network<input<1>, residual<lstm<4>, dense<1>>>;
using Stack = network<input<2>, conv1d<3, 3, 2, ctnn::tanh>, gru<4>, lstm<3>, dense<1, ctnn::tanh>>;
using LongConv = network<input<1>, conv1d<2, 3, 4, ctnn::tanh>, conv1d<3, 2, 1>, dense<1>>;
using TwoLstm = network<input<3>, lstm<17>, gru<3>, dense<2>>;

}  // namespace

TEST_CASE("BPTT: GRU + dense, mse, from warmed-up states", "[sequence_training][fd]") {
  check_bptt<Gru, mse, 3, 12>(11, 7);
}
TEST_CASE("BPTT: residual LSTM amp model, pre-emphasised ESR", "[sequence_training][fd]") {
  check_bptt<Amp, esr_loss<85, 100>, 2, 16>(12, 9);
}
TEST_CASE("BPTT: plain ESR (no pre-emphasis)", "[sequence_training][fd]") { check_bptt<Amp, esr, 2, 9>(13, 3); }
TEST_CASE("BPTT: dilated Conv1D -> GRU -> LSTM -> dense tanh, mse", "[sequence_training][fd]") {
  check_bptt<Stack, mse, 2, 10>(14, 6);
}
TEST_CASE("BPTT: a convolution whose history (8) is longer than the window (5)", "[sequence_training][fd]") {
  check_bptt<LongConv, mse, 2, 5>(15, 11);
}
TEST_CASE("BPTT: LSTM of 17 units (two vectors of padding), GRU of 3, one step windows", "[sequence_training][fd]") {
  check_bptt<TwoLstm, mse, 2, 1>(16, 4);
  check_bptt<TwoLstm, mse, 1, 7>(17, 0);
}

TEST_CASE("sequence_trainer: the states a window leaves are streaming inference's", "[sequence_training]") {
  auto net = std::make_unique<Stack>();
  initialize(*net, 3);
  constexpr std::size_t B = 2, T = 24;
  using Tr = sequence_trainer<Stack, mse, sgd, B, T>;
  auto tr = std::make_unique<Tr>(sgd{.learning_rate = 0.0f});
  const auto x = random_signal(B * T * 2, 5, 1.0f);
  const std::vector<float> y(B * T, 0.0f);
  tr->step(*net, Tr::input_window(x.data(), x.size()), Tr::target_window(y.data(), y.size()));
  auto warm = std::make_unique<Tr>();
  warm->warm_up(*net, x);
  for (std::size_t b = 0; b < B; ++b) {
    const auto a = ref_net<Stack>::load(tr->states()[b]);
    const auto w = ref_net<Stack>::load(warm->states()[b]);
    for (std::size_t k = 0; k < a.size(); ++k) CHECK(a[k] == Approx(w[k]).margin(2e-6));
  }
}

TEST_CASE("sequence_trainer: same data, same start: bit-identical parameters, with 1 or 2 threads",
          "[sequence_training][determinism]") {
  constexpr std::size_t B = 3, T = 20;
  using Tr = sequence_trainer<Amp, esr_loss<85, 100>, adam, B, T>;
  const auto x = random_signal(B * T * 4, 8, 0.7f);
  const auto y = random_signal(B * T * 4, 9, 0.9f);
  thread_pool pool(2);
  auto train = [&](thread_pool* threads) {
    auto net = std::make_unique<Amp>();
    initialize(*net, 4);
    auto tr = std::make_unique<Tr>(adam{.learning_rate = 1e-2f});
    tr->use_threads(threads);
    for (std::size_t w = 0; w < 4; ++w)
      tr->step(*net, Tr::input_window(x.data() + w * B * T, B * T), Tr::target_window(y.data() + w * B * T, B * T));
    std::vector<float> p(Amp::parameter_count);
    get_parameters(*net, std::span<float, Amp::parameter_count>(p.data(), p.size()));
    return p;
  };
  const auto a = train(nullptr), b = train(nullptr), c = train(&pool);
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  // The GEMMs split by output columns: the same sums whoever computes them.
  CHECK(std::memcmp(a.data(), c.data(), a.size() * sizeof(float)) == 0);
}

TEST_CASE("sequence_trainer: NaN input is refused and nothing changes", "[sequence_training][errors]") {
  constexpr std::size_t B = 2, T = 8;
  using Tr = sequence_trainer<Gru, mse, adam, B, T>;
  auto net = std::make_unique<Gru>();
  initialize(*net, 5);
  auto tr = std::make_unique<Tr>();
  auto x = random_signal(B * T * 2, 10, 1.0f);
  const auto y = random_signal(B * T * 2, 11, 1.0f);
  tr->step(*net, Tr::input_window(x.data(), x.size()), Tr::target_window(y.data(), y.size()));
  const Gru before = *net;
  const auto states = tr->states();
  x[5] = std::nanf("");
  CHECK_THROWS_AS(tr->step(*net, Tr::input_window(x.data(), x.size()), Tr::target_window(y.data(), y.size())),
                  divergence_error);
  CHECK(std::memcmp(&before, net.get(), sizeof(Gru)) == 0);
  CHECK(std::memcmp(&states, &tr->states(), sizeof(states)) == 0);
  CHECK(tr->steps() == 1);
}

TEST_CASE("sequence_trainer: warm_up refuses input that is not Batch whole sequences", "[sequence_training][errors]") {
  using Tr = sequence_trainer<Gru, mse, sgd, 3, 4>;
  auto net = std::make_unique<Gru>();
  auto tr = std::make_unique<Tr>();
  const std::vector<float> x(3 * 5 * 2 + 1, 0.5f);
  CHECK_THROWS_WITH(tr->warm_up(*net, x), Catch::Contains("not Batch (3) sequences"));
  CHECK_NOTHROW(tr->warm_up(*net, std::span<const float>(x.data(), 3 * 5 * 2)));
  tr->reset();
  CHECK(ref_net<Gru>::load(tr->states()[0])[0] == 0.0);
}
