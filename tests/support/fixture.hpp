// SPDX-License-Identifier: Apache-2.0
// Reads the text fixtures written by tools/fixtures/*.py: lines
// "<key> <count> <values...>", '#' comments. Test-only.
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctnn_test {

struct fixture {
  std::map<std::string, std::vector<double>> values;

  static fixture load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    fixture f;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string key;
      std::size_t n = 0;
      ls >> key >> n;
      std::vector<double> v(n);
      for (auto& x : v) ls >> x;
      if (!ls) throw std::runtime_error("truncated fixture line '" + key + "' in " + path);
      f.values[key] = std::move(v);
    }
    return f;
  }
  const std::vector<double>& operator[](const std::string& key) const {
    const auto it = values.find(key);
    if (it == values.end()) throw std::runtime_error("fixture has no '" + key + "'");
    return it->second;
  }
  template <class T>
  std::vector<T> as(const std::string& key) const {
    const auto& v = (*this)[key];
    return std::vector<T>(v.begin(), v.end());
  }
};

/// max |a - b| / max(|b|, floor·‖b‖∞): relative error with a floor, so
/// near-zero entries are judged against the vector's scale.
inline double rel_error(const std::vector<float>& a, const std::vector<double>& b, double floor = 1e-2) {
  if (a.size() != b.size()) return 1e30;
  double norm = 0;
  for (double v : b) norm = std::max(norm, std::abs(v));
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double e = std::abs(a[k] - b[k]) / std::max(std::abs(b[k]), floor * norm);
    worst = std::isnan(e) ? 1e30 : std::max(worst, e);
  }
  return worst;
}

}  // namespace ctnn_test
