// SPDX-License-Identifier: Apache-2.0
// examples/wav.hpp, the audio examples' WAV reader and writer: a round trip
// keeps every 16-bit sample; extensible-format PCM and extra chunks are
// read; every other file is refused with a message naming what it holds.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "wav.hpp"

namespace {
std::vector<unsigned char> to_bytes(const std::string& s) { return {s.begin(), s.end()}; }

/// A WAV file with the given fmt fields and `frames` 16-bit frames.
std::vector<unsigned char> make(unsigned format, unsigned channels, unsigned bits, unsigned frames,
                                bool extensible = false, bool list_chunk = false) {
  std::string b = "RIFF";
  wav::detail::put(b, 0, 4);  // size: not checked
  b += "WAVE";
  if (list_chunk) {  // an odd-sized chunk before fmt (padded to even)
    b += "LIST";
    wav::detail::put(b, 3, 4);
    b += std::string("abc") + '\0';
  }
  b += "fmt ";
  wav::detail::put(b, extensible ? 40 : 16, 4);
  wav::detail::put(b, extensible ? 0xFFFE : format, 2);
  wav::detail::put(b, channels, 2);
  wav::detail::put(b, 44100, 4);
  wav::detail::put(b, 44100 * channels * bits / 8, 4);
  wav::detail::put(b, channels * bits / 8, 2);
  wav::detail::put(b, bits, 2);
  if (extensible) {
    wav::detail::put(b, 22, 2);
    wav::detail::put(b, bits, 2);
    wav::detail::put(b, 4, 4);
    wav::detail::put(b, format, 2);  // sub-format GUID's first two bytes
    b += std::string(14, '\x01');
  }
  b += "data";
  const unsigned n = frames * channels * bits / 8;
  wav::detail::put(b, n, 4);
  for (unsigned i = 0; i < n; ++i) b += static_cast<char>(i * 37);
  return to_bytes(b);
}
}  // namespace

TEST_CASE("wav: a round trip keeps every 16-bit sample and the rate", "[wav]") {
  wav::audio a;
  a.sample_rate = 44100;
  for (int v = -32768; v < 32768; v += 7) a.samples.push_back(static_cast<float>(v) / 32768.0f);
  a.samples.push_back(1.5f);   // clipped
  a.samples.push_back(-2.0f);  // clipped
  const wav::audio b = wav::parse(to_bytes(wav::bytes(a)), "mem");
  CHECK(b.sample_rate == 44100);
  REQUIRE(b.samples.size() == a.samples.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i + 2 < a.samples.size(); ++i)
    differ += std::abs(b.samples[i] - a.samples[i]) > 1.0f / 32768.0f;  // 32767-scaled writer, ≤ 1 step
  CHECK(differ == 0);
  CHECK(b.samples[b.samples.size() - 2] == 32767.0f / 32768.0f);
  CHECK(b.samples.back() == -32767.0f / 32768.0f);
}

TEST_CASE("wav: extensible PCM and chunks before fmt are read", "[wav]") {
  CHECK(wav::parse(make(1, 1, 16, 10, true), "x").samples.size() == 10);
  CHECK(wav::parse(make(1, 1, 16, 9, false, true), "x").samples.size() == 9);
}

TEST_CASE("wav: other files are refused with what they hold", "[wav]") {
  CHECK_THROWS_WITH(wav::parse(make(1, 2, 16, 4), "in.wav"), Catch::Contains("in.wav: 2 channels"));
  CHECK_THROWS_WITH(wav::parse(make(1, 1, 24, 4), "in.wav"), Catch::Contains("24-bit samples"));
  CHECK_THROWS_WITH(wav::parse(make(3, 1, 32, 4), "in.wav"), Catch::Contains("(float)"));
  CHECK_THROWS_WITH(wav::parse(make(3, 1, 32, 4, true), "in.wav"), Catch::Contains("(float)"));
  CHECK_THROWS_WITH(wav::parse(to_bytes("RIFX....WAVE"), "in.wav"), Catch::Contains("not a WAV file"));
  auto cut = make(1, 1, 16, 100);
  cut.resize(cut.size() - 10);
  CHECK_THROWS_WITH(wav::parse(cut, "in.wav"), Catch::Contains("truncated"));
  auto no_data = make(1, 1, 16, 0);
  no_data.resize(36);
  CHECK_THROWS_WITH(wav::parse(no_data, "in.wav"), Catch::Contains("no data chunk"));
  CHECK_THROWS_WITH(wav::read("/nonexistent/in.wav"), Catch::Contains("cannot open"));
}
