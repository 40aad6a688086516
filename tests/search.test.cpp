// SPDX-License-Identifier: Apache-2.0
// ctnn::search: a tiny grid (2 topologies × 2 learning rates on the
// two-spirals task) — every run reported, sorted, reproducible, the best
// model saved and loadable into its type; bad splits refused.
#include "ctnn/search.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <memory>

#include "ctnn/ctnn.hpp"
#include "spirals.hpp"

namespace {
using Small = ctnn::network<ctnn::input<2>, ctnn::dense<8, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;
using Wide = ctnn::network<ctnn::input<2>, ctnn::dense<48, ctnn::relu>, ctnn::dense<48, ctnn::relu>,
                           ctnn::dense<2, ctnn::softmax>>;

struct split {
  std::vector<float> x;
  std::vector<std::uint32_t> y;
  ctnn::labelled_view view() const { return {x, y}; }
};
split spirals(std::size_t n, std::uint64_t seed) {
  const auto p = examples::make_spirals(n, seed);
  return {p.x, std::vector<std::uint32_t>(p.y.begin(), p.y.end())};
}
}  // namespace

TEST_CASE("search: every topology x learning rate, sorted, best model saved", "[search]") {
  const split train = spirals(1024, 1), valid = spirals(512, 2);
  const auto path = std::filesystem::temp_directory_path() / "ctnn_search_test.ctnn";
  std::filesystem::remove(path);
  ctnn::search_options o{.learning_rates = {0.003f, 0.03f}, .epochs = 15, .seed = 5, .best_model = path, .verbose = false};
  const auto table = ctnn::search<ctnn::adam, 32>(ctnn::candidates<Small, Wide>{}, train.view(), valid.view(), o);
  REQUIRE(table.size() == 4);
  for (std::size_t i = 1; i < table.size(); ++i) CHECK(table[i - 1].validation_accuracy >= table[i].validation_accuracy);
  std::size_t smalls = 0;
  for (const auto& r : table) {
    CHECK(r.validation_accuracy >= 0.0);
    CHECK(r.validation_accuracy <= 1.0);
    CHECK(r.seconds > 0.0);
    smalls += r.topology == "2-8(relu)-2(softmax)";
    CHECK(r.parameters == (r.topology == "2-8(relu)-2(softmax)" ? Small::parameter_count : Wide::parameter_count));
  }
  CHECK(smalls == 2);
  // The wide net learns the spirals; the best run is clearly better than chance.
  CHECK(table.front().validation_accuracy > 0.9);
  CHECK(table.front().topology == ctnn::topology_name<Wide>());

  // The saved model is the best run: load it and recompute its accuracy.
  auto best = std::make_unique<Wide>();
  ctnn::load(*best, path);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < valid.y.size(); ++i) {
    const auto p = best->forward(std::array<float, 2>{valid.x[2 * i], valid.x[2 * i + 1]});
    correct += static_cast<std::uint32_t>(p[1] > p[0]) == valid.y[i];
  }
  CHECK(static_cast<double>(correct) / static_cast<double>(valid.y.size()) == Approx(table.front().validation_accuracy));
  std::filesystem::remove(path);

  // Same seed, same table.
  o.best_model.clear();
  const auto again = ctnn::search<ctnn::adam, 32>(ctnn::candidates<Small, Wide>{}, train.view(), valid.view(), o);
  for (std::size_t i = 0; i < table.size(); ++i) {
    CHECK(again[i].topology == table[i].topology);
    CHECK(again[i].learning_rate == table[i].learning_rate);
    CHECK(again[i].validation_accuracy == table[i].validation_accuracy);
  }
}

TEST_CASE("search: splits that do not fit a candidate are refused with a message", "[search][errors]") {
  split train = spirals(256, 1), valid = spirals(64, 2);
  const ctnn::search_options o{.epochs = 1, .verbose = false};
  train.y[3] = 7;  // label beyond the 2 outputs
  CHECK_THROWS_WITH(ctnn::search(ctnn::candidates<Small>{}, train.view(), valid.view(), o),
                    Catch::Contains("label is 7") && Catch::Contains("2-8(relu)-2(softmax)"));
  train.y[3] = 0;
  valid.x.pop_back();  // ragged features
  CHECK_THROWS_WITH(ctnn::search(ctnn::candidates<Small>{}, train.view(), valid.view(), o),
                    Catch::Contains("validation split has 127 floats for 64 labels"));
  valid.x.push_back(0.0f);
  CHECK_THROWS_AS(ctnn::search(ctnn::candidates<Small>{}, train.view(), valid.view(),
                               ctnn::search_options{.learning_rates = {}, .verbose = false}),
                  std::invalid_argument);
}

TEST_CASE("search: a diverging learning rate is reported, not fatal", "[search][errors]") {
  const split train = spirals(256, 1), valid = spirals(64, 2);
  const ctnn::search_options o{.learning_rates = {1e30f, 0.01f}, .epochs = 2, .verbose = false};
  const auto table = ctnn::search<ctnn::sgd, 32>(ctnn::candidates<Small>{}, train.view(), valid.view(), o);
  REQUIRE(table.size() == 2);
  CHECK(std::isfinite(table[0].validation_accuracy));
  CHECK(table[0].learning_rate == 0.01f);
  CHECK(std::isnan(table[1].validation_accuracy));  // diverged, sorted last
}

TEST_CASE("search: topology names cover batch_norm, dropout, residual blocks and user layers", "[search]") {
  using Net = ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::batch_norm<>,
                            ctnn::residual<ctnn::dense<3, ctnn::gelu>, ctnn::dense<8>>, ctnn::dropout<1, 10>,
                            ctnn::dense<2, ctnn::softmax>>;
  CHECK(ctnn::topology_name<Net>() == "4-8(relu)-bn-res[3(gelu)-8(identity)]-dropout-2(softmax)");
}
