// SPDX-License-Identifier: Apache-2.0
// What the benchmark binaries share: the machine and compiler they name in
// their output, and a console reporter that records each run for the ratio
// and goal tables printed at the end.
#pragma once

#include <benchmark/benchmark.h>

#include "ctnn/detail/hwy_config.hpp"  // before Highway (a Highway 1.0.3 fix)
#include <hwy/highway.h>
#include <hwy/targets.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace ctnn_bench {

/// Google Benchmark's flags, with `--quick` for --benchmark_min_time=0.05.
inline void initialize(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  static char quick_flag[] = "--benchmark_min_time=0.05";
  for (auto& a : args)
    if (std::strcmp(a, "--quick") == 0) a = quick_flag;
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
}

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

/// The streaming floor of a model: one read-only pass over `n` floats at p
/// (rounded down to whole 8-vector blocks) through a sum with 8 independent
/// accumulators, `carry` chained in, so that successive passes cannot
/// overlap — what a forward call that streams those bytes cannot beat.
inline float stream_sum(const float* p, std::size_t n, float carry) {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<float> d;
  const std::size_t N = hn::Lanes(d);
  n = n / (8 * N) * (8 * N);
  auto a0 = hn::Set(d, carry), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  auto a4 = hn::Zero(d), a5 = hn::Zero(d), a6 = hn::Zero(d), a7 = hn::Zero(d);
  for (std::size_t i = 0; i < n; i += 8 * N) {
    a0 = hn::Add(a0, hn::LoadU(d, p + i));
    a1 = hn::Add(a1, hn::LoadU(d, p + i + N));
    a2 = hn::Add(a2, hn::LoadU(d, p + i + 2 * N));
    a3 = hn::Add(a3, hn::LoadU(d, p + i + 3 * N));
    a4 = hn::Add(a4, hn::LoadU(d, p + i + 4 * N));
    a5 = hn::Add(a5, hn::LoadU(d, p + i + 5 * N));
    a6 = hn::Add(a6, hn::LoadU(d, p + i + 6 * N));
    a7 = hn::Add(a7, hn::LoadU(d, p + i + 7 * N));
  }
  const auto sum = hn::Add(hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)), hn::Add(hn::Add(a4, a5), hn::Add(a6, a7)));
  return hn::GetLane(hn::SumOfLanes(d, sum)) * 1e-30f;
}

/// stream_sum for bytes that are not floats (bf16 pairs: as floats many
/// would be subnormal, and a subnormal add is slow on some CPUs): the same
/// pass through 8 independent integer xors, `carry` chained in.
inline std::uint32_t stream_xor(const std::uint32_t* p, std::size_t n, std::uint32_t carry) {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<std::uint32_t> d;
  const std::size_t N = hn::Lanes(d);
  n = n / (8 * N) * (8 * N);
  auto a0 = hn::Set(d, carry), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  auto a4 = hn::Zero(d), a5 = hn::Zero(d), a6 = hn::Zero(d), a7 = hn::Zero(d);
  for (std::size_t i = 0; i < n; i += 8 * N) {
    a0 = hn::Xor(a0, hn::LoadU(d, p + i));
    a1 = hn::Xor(a1, hn::LoadU(d, p + i + N));
    a2 = hn::Xor(a2, hn::LoadU(d, p + i + 2 * N));
    a3 = hn::Xor(a3, hn::LoadU(d, p + i + 3 * N));
    a4 = hn::Xor(a4, hn::LoadU(d, p + i + 4 * N));
    a5 = hn::Xor(a5, hn::LoadU(d, p + i + 5 * N));
    a6 = hn::Xor(a6, hn::LoadU(d, p + i + 6 * N));
    a7 = hn::Xor(a7, hn::LoadU(d, p + i + 7 * N));
  }
  const auto x = hn::Xor(hn::Xor(hn::Xor(a0, a1), hn::Xor(a2, a3)), hn::Xor(hn::Xor(a4, a5), hn::Xor(a6, a7)));
  return hn::GetLane(x);
}

}  // namespace ctnn_bench
