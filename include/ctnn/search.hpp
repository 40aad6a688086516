// SPDX-License-Identifier: Apache-2.0
// ctnn/search.hpp — hyper-parameter search across topologies: every network
// type of a compile-time candidate list × every learning rate of a run-time
// grid is trained on a training split (same seed, same shuffles for all) and
// scored on a held-out validation split; the table comes back sorted by
// validation accuracy and the best model is saved to a file.
//
//     auto table = ctnn::search<ctnn::adam, 64>(
//         ctnn::candidates<NetA, NetB, NetC>{}, train, valid,
//         {.learning_rates = {1e-3f, 3e-3f}, .epochs = 2, .best_model = "best.ctnn"});
//     ctnn::print_search_table(table);
//
// Classification with ctnn::cross_entropy and class labels. Allocates (the
// networks and trainers live on the heap here); a training step still
// does not. Example: examples/hyperparameter_search.cpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "ctnn/init.hpp"
#include "ctnn/io/model_file.hpp"
#include "ctnn/losses.hpp"
#include "ctnn/network.hpp"
#include "ctnn/random.hpp"
#include "ctnn/trainer.hpp"

namespace ctnn {

/// The compile-time list of network types to compare.
template <class... Nets>
struct candidates {};

/// A labelled data split: `y.size()` samples, `x` their features row-major.
struct labelled_view {
  std::span<const float> x;
  std::span<const std::uint32_t> y;
};

struct search_options {
  std::vector<float> learning_rates{1e-3f, 3e-3f, 1e-2f};
  int epochs = 2;
  std::uint64_t seed = 42;             ///< initialisation and shuffling, the same for every run
  std::filesystem::path best_model{};  ///< where to save the best network (empty: do not save)
  bool verbose = true;                 ///< print a line per finished run
};

struct search_result {
  std::string topology;       ///< e.g. "784-128(relu)-10(softmax)"
  std::string type;           ///< the C++ type (model-file signature)
  std::size_t parameters = 0;
  float learning_rate = 0;
  double validation_accuracy = 0;  ///< NaN if training diverged
  double seconds = 0;              ///< training time
};

/// "784-256(relu)-bn-10(softmax)".
template <class Net>
std::string topology_name() {
  std::string s = std::to_string(Net::input_size);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((s += "-" + detail::short_layer_name<typename Net::template layer_type<I>>()), ...);
  }(std::make_index_sequence<Net::layer_count>{});
  return s;
}

namespace detail {
template <class Net>
void check_split(const labelled_view& d, const char* which) {
  if (d.y.empty()) throw std::invalid_argument(std::string("ctnn::search: the ") + which + " split is empty");
  if (d.x.size() != d.y.size() * Net::input_size)
    throw std::invalid_argument(std::string("ctnn::search: the ") + which + " split has " + std::to_string(d.x.size()) +
                                " floats for " + std::to_string(d.y.size()) + " labels; " + topology_name<Net>() +
                                " needs " + std::to_string(Net::input_size) + " per sample");
  for (std::uint32_t label : d.y)
    if (label >= Net::output_size)
      throw std::invalid_argument(std::string("ctnn::search: a ") + which + " label is " + std::to_string(label) +
                                  ", but " + topology_name<Net>() + " has " + std::to_string(Net::output_size) +
                                  " outputs");
}

template <class Net>
double accuracy(const Net& net, const labelled_view& d) {
  std::vector<float> out(d.y.size() * Net::output_size);
  net.forward_batch(d.x, std::span<float>(out));
  std::size_t correct = 0;
  for (std::size_t i = 0; i < d.y.size(); ++i) {
    const float* p = out.data() + i * Net::output_size;
    correct += static_cast<std::size_t>(std::max_element(p, p + Net::output_size) - p) == d.y[i];
  }
  return static_cast<double>(correct) / static_cast<double>(d.y.size());
}

/// One run: a fresh network of type Net, trained with learning rate `lr`.
template <class Opt, std::size_t Batch, class Net>
search_result search_one(const labelled_view& train, const labelled_view& valid, const search_options& o, float lr,
                         double& best_accuracy) {
  search_result r{topology_name<Net>(), network_signature<Net>(), Net::parameter_count, lr, 0.0, 0.0};
  auto net = std::make_unique<Net>();
  initialize(*net, o.seed);
  Opt opt{};
  opt.learning_rate = lr;
  auto tr = std::make_unique<trainer<Net, cross_entropy, Opt, Batch>>(opt);
  std::vector<float> xb(Batch * Net::input_size);
  std::vector<std::uint32_t> yb(Batch);
  std::vector<std::size_t> order(train.y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto t0 = std::chrono::steady_clock::now();
  bool diverged = false;
  for (int epoch = 0; epoch < o.epochs && !diverged; ++epoch) {
    rng g(o.seed + 1000 + static_cast<std::uint64_t>(epoch));  // same shuffle for every candidate
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g.below(i)]);
    for (std::size_t b = 0; b + Batch <= order.size(); b += Batch) {  // the last partial batch is dropped
      for (std::size_t k = 0; k < Batch; ++k) {
        const std::size_t s = order[b + k];
        std::copy_n(train.x.data() + s * Net::input_size, Net::input_size, xb.data() + k * Net::input_size);
        yb[k] = train.y[s];
      }
      try {
        tr->step(*net, std::span<const float, Batch * Net::input_size>(xb.data(), xb.size()),
                 std::span<const std::uint32_t, Batch>(yb.data(), Batch));
      } catch (const divergence_error&) {
        diverged = true;
        break;
      }
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.validation_accuracy = diverged ? std::numeric_limits<double>::quiet_NaN() : accuracy(*net, valid);
  if (!diverged && r.validation_accuracy > best_accuracy) {
    best_accuracy = r.validation_accuracy;
    if (!o.best_model.empty()) save(*net, o.best_model);
  }
  if (o.verbose)
    std::printf("  %-40s lr %-8g validation %6.2f%%  %6.2f s%s\n", r.topology.c_str(), static_cast<double>(lr),
                r.validation_accuracy * 100, r.seconds, diverged ? "  (diverged)" : "");
  return r;
}
}  // namespace detail

/// Trains every candidate type with every learning rate (optimizer `Opt`,
/// minibatch `Batch`, cross-entropy on class labels) and returns the runs
/// sorted by validation accuracy, best first (diverged runs last). Saves the
/// best network to `options.best_model` if set. Throws std::invalid_argument
/// for a split that does not fit a candidate (message names both).
template <class Opt = adam, std::size_t Batch = 64, class... Nets>
std::vector<search_result> search(candidates<Nets...>, labelled_view train, labelled_view valid,
                                  const search_options& options = {}) {
  static_assert(sizeof...(Nets) > 0, "ctnn::search: give at least one network type in ctnn::candidates<...>");
  (detail::check_split<Nets>(train, "training"), ...);
  (detail::check_split<Nets>(valid, "validation"), ...);
  if (options.learning_rates.empty()) throw std::invalid_argument("ctnn::search: no learning rates given");
  if (options.epochs < 1) throw std::invalid_argument("ctnn::search: epochs must be at least 1");
  if (train.y.size() < Batch)
    throw std::invalid_argument("ctnn::search: the training split has fewer samples than one batch");
  std::vector<search_result> table;
  double best = -1.0;
  for (float lr : options.learning_rates)
    (table.push_back(detail::search_one<Opt, Batch, Nets>(train, valid, options, lr, best)), ...);
  std::stable_sort(table.begin(), table.end(), [](const search_result& a, const search_result& b) {
    const bool an = std::isnan(a.validation_accuracy), bn = std::isnan(b.validation_accuracy);
    if (an != bn) return bn;  // finite before diverged
    return a.validation_accuracy > b.validation_accuracy;
  });
  return table;
}

/// Prints the table (best first) to `out`.
inline void print_search_table(const std::vector<search_result>& table, std::FILE* out = stdout) {
  std::fprintf(out, "%-4s %-40s %10s %9s %12s %9s\n", "rank", "topology", "parameters", "lr", "validation", "seconds");
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& r = table[i];
    std::fprintf(out, "%-4zu %-40s %10zu %9g %11.2f%% %9.2f\n", i + 1, r.topology.c_str(), r.parameters,
                 static_cast<double>(r.learning_rate), r.validation_accuracy * 100, r.seconds);
  }
}

}  // namespace ctnn
