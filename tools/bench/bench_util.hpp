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

/// One read-only pass over `n` lanes at p (rounded down to whole 8-vector
/// blocks) through 8 independent accumulators combined by `op`, `carry`
/// chained in, so that successive passes cannot overlap.
template <class T, class Op>
inline T stream_pass(const T* p, std::size_t n, T carry, Op op) {
  namespace hn = hwy::HWY_NAMESPACE;
  const hn::ScalableTag<T> d;
  const std::size_t N = hn::Lanes(d);
  n = n / (8 * N) * (8 * N);
  auto a0 = hn::Set(d, carry), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  auto a4 = hn::Zero(d), a5 = hn::Zero(d), a6 = hn::Zero(d), a7 = hn::Zero(d);
  for (std::size_t i = 0; i < n; i += 8 * N) {
    a0 = op(a0, hn::LoadU(d, p + i));
    a1 = op(a1, hn::LoadU(d, p + i + N));
    a2 = op(a2, hn::LoadU(d, p + i + 2 * N));
    a3 = op(a3, hn::LoadU(d, p + i + 3 * N));
    a4 = op(a4, hn::LoadU(d, p + i + 4 * N));
    a5 = op(a5, hn::LoadU(d, p + i + 5 * N));
    a6 = op(a6, hn::LoadU(d, p + i + 6 * N));
    a7 = op(a7, hn::LoadU(d, p + i + 7 * N));
  }
  // The sum of all lanes keeps every load live.
  return hn::GetLane(hn::SumOfLanes(d, op(op(op(a0, a1), op(a2, a3)), op(op(a4, a5), op(a6, a7)))));
}

/// The streaming floor of a model: a pass over `n` floats (stream_pass)
/// through float adds — what a forward call that streams those bytes
/// cannot beat.
inline float stream_sum(const float* p, std::size_t n, float carry) {
  return stream_pass(p, n, carry, [](auto a, auto b) { return hwy::HWY_NAMESPACE::Add(a, b); }) * 1e-30f;
}

/// The same for bytes that are not floats (bf16 pairs: as floats many
/// would be subnormal, and a subnormal add is slow on some CPUs): integer
/// xors.
inline std::uint32_t stream_xor(const std::uint32_t* p, std::size_t n, std::uint32_t carry) {
  return stream_pass(p, n, carry, [](auto a, auto b) { return hwy::HWY_NAMESPACE::Xor(a, b); });
}

}  // namespace ctnn_bench
