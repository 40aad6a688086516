// SPDX-License-Identifier: Apache-2.0
// What the benchmark binaries share: the machine and compiler they name in
// their output, and a console reporter that records each run for the ratio
// and goal tables printed at the end.
#pragma once

#include <benchmark/benchmark.h>

#include <hwy/targets.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ctnn_bench {

/// The best Highway target this CPU supports (what -march=native could use).
inline std::int64_t best_cpu_target() {
  const std::int64_t t = hwy::SupportedTargets();
  return t & -t;  // lowest bit = best target
}
inline const char* compiler_name() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown compiler";
#endif
}

/// Console output as usual, plus a record of each run for the ratio table.
class recording_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> ns;     // real time per iteration (median of repetitions if any)
  std::map<std::string, double> items;  // items/s
  std::map<std::string, std::string> eigen_order;  // per net: "col" or "row", the faster Eigen baseline
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      // Plain runs, or the median when --benchmark_repetitions is given.
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (r.run_type != Run::RT_Iteration && !median) continue;
      const std::string name = r.run_name.str();
      ns[name] = r.GetAdjustedRealTime() * (r.time_unit == benchmark::kMillisecond ? 1e6 : (r.time_unit == benchmark::kMicrosecond ? 1e3 : 1.0));
      const auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) items[name] = it->second;
    }
  }
};

}  // namespace ctnn_bench
