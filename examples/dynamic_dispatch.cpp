// SPDX-License-Identifier: Apache-2.0
// Run-time dispatch: this TU is built WITHOUT -march (see
// examples/CMakeLists.txt), so its static target is the x86-64 baseline,
// yet ctnn::dynamic::forward runs the best target the CPU has (AVX2,
// AVX-512, ...). The program checks that both paths agree, then times them.
//
//   ./build/gcc/examples/dynamic_dispatch [--check]   (--check: skip the timing)
#include <ctnn/dynamic.hpp>  // first: it compiles the kernels for every target

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace {
using Net = ctnn::network<ctnn::input<16>, ctnn::dense<64, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                          ctnn::dense<8, ctnn::identity>>;

/// ns per call of f over a dependency chain (each input uses the last output).
template <class F>
double ns_per_call(F f, std::array<float, 16> x) {
  constexpr int calls = 200000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) x[0] += f(x)[0] * 1e-30f;
  const auto t1 = std::chrono::steady_clock::now();
  std::printf("%s", x[0] == 12345.0f ? " " : "");  // keep the chain alive
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / calls;
}
}  // namespace

int main(int argc, char** argv) {
  const bool check_only = argc > 1 && std::string_view(argv[1]) == "--check";
  static Net net;
  ctnn::initialize(net, 42);
  std::array<float, 16> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) / 16.0f - 0.5f;

  const auto dynamic_y = ctnn::dynamic::forward(net, x);  // best target
  const auto static_y = net.forward(x);                   // this TU's baseline target
  float worst = 0;
  for (std::size_t o = 0; o < Net::output_size; ++o)
    worst = std::fmax(worst, std::fabs(dynamic_y[o] - static_y[o]) / (1.0f + std::fabs(static_y[o])));
  std::printf("dynamic dispatch runs on %s; static dispatch in this TU on %s\n", ctnn::dynamic::target_name(),
              hwy::TargetName(HWY_STATIC_TARGET));
  std::printf("outputs agree to %.1e (relative)\n", static_cast<double>(worst));
  if (!(worst <= 1e-5f)) {
    std::printf("FAILED: the targets disagree\n");
    return 1;
  }
  if (check_only) return 0;
  const double t_dyn = ns_per_call([](const std::array<float, 16>& v) { return ctnn::dynamic::forward(net, v); }, x);
  const double t_static = ns_per_call([](const std::array<float, 16>& v) { return net.forward(v); }, x);
  std::printf("latency, 16-64-64-8: dynamic %.0f ns, static baseline %.0f ns\n", t_dyn, t_static);
  return 0;
}
