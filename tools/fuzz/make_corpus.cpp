// SPDX-License-Identifier: Apache-2.0
// Writes the fuzzers' seed corpus (tests/fuzz/corpus). Regenerate with:
//   g++-12 -std=c++20 -march=native -Iinclude tools/fuzz/make_corpus.cpp -o /tmp/make_corpus && /tmp/make_corpus tests/fuzz/corpus
#include <cstdint>
#include <ctnn/ctnn.hpp>
#include <filesystem>
#include <span>
#include <fstream>
#include <vector>

#include "../../examples/wav.hpp"
#include "fuzz_nets.hpp"

using Net = fuzz_nets::dense;

static void write(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

static std::vector<std::uint8_t> idx(std::uint32_t magic, std::vector<std::uint32_t> dims, std::size_t payload) {
  std::vector<std::uint8_t> b;
  auto be = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  };
  be(magic);
  for (auto d : dims) be(d);
  for (std::size_t i = 0; i < payload; ++i) b.push_back(static_cast<std::uint8_t>(i * 13));
  return b;
}

int main(int argc, char** argv) {
  const std::filesystem::path root = argc > 1 ? argv[1] : "tests/fuzz/corpus";
  std::filesystem::create_directories(root / "model");
  std::filesystem::create_directories(root / "idx");
  Net net;
  ctnn::initialize(net, 1);
  write(root / "model" / "valid.ctnn", ctnn::serialize(net));
  // The structure-aware fuzzers' seeds: one valid file per flavour
  // (fuzz_model_dense reads corpus/model), and for the mixed flavour
  // (format version 2, buffers) a second one with running statistics that
  // are not the defaults.
  std::filesystem::create_directories(root / "model_mixed");
  fuzz_nets::mixed mixed;
  ctnn::initialize(mixed, 2);
  write(root / "model_mixed" / "valid.ctnn", ctnn::serialize(mixed));
  std::vector<float> b(fuzz_nets::mixed::buffer_count);
  for (std::size_t k = 0; k < b.size(); ++k) b[k] = 0.5f + static_cast<float>(k) / 8.0f;
  ctnn::set_buffers(mixed, std::span<const float, fuzz_nets::mixed::buffer_count>(b.data(), b.size()));
  write(root / "model_mixed" / "buffers.ctnn", ctnn::serialize(mixed));
  // The sequence flavour, its state advanced (a file holds no state).
  std::filesystem::create_directories(root / "model_sequence");
  fuzz_nets::sequence seq;
  ctnn::initialize(seq, 3);
  for (int t = 0; t < 5; ++t) (void)seq.forward(std::array{0.5f, -0.25f});
  write(root / "model_sequence" / "valid.ctnn", ctnn::serialize(seq));
  // The WAV reader (examples/wav.hpp): a valid 16-bit mono file.
  std::filesystem::create_directories(root / "wav");
  wav::audio a;
  a.sample_rate = 44100;
  for (int i = 0; i < 32; ++i) a.samples.push_back(static_cast<float>(i % 7) / 8.0f - 0.4f);
  const std::string w = wav::bytes(a);
  write(root / "wav" / "mono16.wav", std::vector<std::uint8_t>(w.begin(), w.end()));
  write(root / "idx" / "images_2x3x3.idx", idx(0x803, {2, 3, 3}, 18));
  write(root / "idx" / "labels_5.idx", idx(0x801, {5}, 5));
  return 0;
}
