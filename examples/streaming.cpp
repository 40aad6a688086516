// SPDX-License-Identifier: Apache-2.0
// Streaming audio through a recurrent model, one sample per call — what an
// audio callback does — and the real-time factor at the file's sample rate.
//
//   streaming [--model amp.ctnn] IN.wav OUT.wav   process a mono 16-bit WAV file
//   streaming --tone OUT.wav [seconds]            write a test input (a decaying
//                                                 guitar-like tone, 48 kHz)
//
// The model is the amp-modelling shape y = x + W·LSTM16(x) + b: a file that
// tools/import_pytorch.py wrote from a PyTorch module with `rec` =
// nn.LSTM(1, 16), `lin` = nn.Linear(16, 1) and skip = 1 (or that
// ctnn::save wrote); without --model a demo model with PyTorch's default
// initialisation (seed 1) runs, and the program says so. The file is then
// processed a second time with forward_sequence in blocks of 64 samples,
// which must give the same samples, bit for bit.
#include <ctnn/ctnn.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "wav.hpp"

namespace {
using Amp = ctnn::network<ctnn::input<1>, ctnn::residual<ctnn::lstm<16>, ctnn::dense<1>>>;

wav::audio tone(double seconds) {
  wav::audio a;
  a.sample_rate = 48000;
  a.samples.resize(static_cast<std::size_t>(seconds * a.sample_rate));
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    const double t = static_cast<double>(i) / a.sample_rate, note = std::fmod(t, 0.5);
    const double f = t < 1.0 ? 110.0 : 164.81;  // A2, then E3
    a.samples[i] = static_cast<float>(0.5 * std::exp(-4.0 * note) *
                                      (std::sin(2 * M_PI * f * t) + 0.3 * std::sin(2 * M_PI * 2 * f * t)));
  }
  return a;
}

int run(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--tone") == 0) {
    const double seconds = argc >= 4 ? std::stod(argv[3]) : 2.0;
    wav::write(argv[2], tone(seconds));
    std::printf("wrote %s: %.1f s of a decaying tone, 48 kHz mono 16-bit\n", argv[2], seconds);
    return 0;
  }
  std::string model;
  int a = 1;
  if (argc >= 3 && std::strcmp(argv[1], "--model") == 0) {
    model = argv[2];
    a = 3;
  }
  if (argc - a != 2) {
    std::fprintf(stderr, "usage: streaming [--model amp.ctnn] IN.wav OUT.wav | streaming --tone OUT.wav [seconds]\n");
    return 2;
  }
  static Amp amp;  // 4.6 KB of parameters and state, inside the object
  if (model.empty()) {
    ctnn::initialize(amp, 1);
    std::printf("no --model: a demo model (PyTorch's default initialisation, seed 1)\n");
  } else {
    ctnn::load(amp, model);
    std::printf("model %s: %s\n", model.c_str(), ctnn::network_signature<Amp>().c_str());
  }
  wav::audio in = wav::read(argv[a]);
  const double seconds = static_cast<double>(in.samples.size()) / in.sample_rate;
  std::printf("%s: %zu samples at %u Hz (%.2f s)\n", argv[a], in.samples.size(), in.sample_rate, seconds);

  // One sample per call, as an audio callback runs it.
  wav::audio out = in;
  amp.reset();
  const auto t0 = std::chrono::steady_clock::now();
  for (float& s : out.samples) s = amp.forward(std::array{s})[0];
  const double per_sample = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // The same file in blocks of 64 samples (a typical audio buffer).
  std::vector<float> block_out(in.samples.size());
  amp.reset();
  const auto t1 = std::chrono::steady_clock::now();
  constexpr std::size_t kBlock = 64;
  for (std::size_t i = 0; i < in.samples.size(); i += kBlock) {
    const std::size_t n = std::min(kBlock, in.samples.size() - i);
    amp.forward_sequence(std::span<const float>(in.samples.data() + i, n), std::span<float>(block_out.data() + i, n));
  }
  const double blocked = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const bool same = std::memcmp(block_out.data(), out.samples.data(), block_out.size() * sizeof(float)) == 0;

  wav::write(argv[a + 1], out);
  std::printf("one sample per call : %8.1f ns/sample, real-time factor %.5f (%.0fx faster than real time)\n",
              per_sample / static_cast<double>(in.samples.size()) * 1e9, per_sample / seconds, seconds / per_sample);
  std::printf("blocks of %zu samples: %8.1f ns/sample, real-time factor %.5f; same output: %s\n", kBlock,
              blocked / static_cast<double>(in.samples.size()) * 1e9, blocked / seconds, same ? "yes" : "NO");
  std::printf("wrote %s\n", argv[a + 1]);
  return same ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "streaming: %s\n", e.what());
    return 1;
  }
}
