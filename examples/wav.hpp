// SPDX-License-Identifier: Apache-2.0
// A minimal WAV reader and writer for the audio examples: mono, 16-bit
// PCM (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM sub-format), any
// sample rate. Anything else — stereo, 8/24/32-bit, float, a truncated or
// foreign file — is refused with a message that says what the file holds
// and how to convert it. Samples are floats in [−1, 1) (int16 / 32768).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace wav {

struct audio {
  unsigned sample_rate = 48000;
  std::vector<float> samples;
};

namespace detail {
inline std::uint32_t le(const unsigned char* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline void put(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
}  // namespace detail

/// Parses a WAV file's bytes; `name` prefixes every error message.
inline audio parse(const std::vector<unsigned char>& b, const std::string& name) {
  auto fail = [&](const std::string& why) -> audio { throw std::runtime_error(name + ": " + why); };
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 || std::memcmp(b.data() + 8, "WAVE", 4) != 0)
    return fail("not a WAV file (no RIFF/WAVE header)");
  std::size_t at = 12;
  bool have_fmt = false;
  unsigned channels = 0, bits = 0, format = 0;
  audio a;
  while (at + 8 <= b.size()) {
    const std::uint32_t size = detail::le(&b[at + 4], 4);
    const unsigned char* body = b.data() + at + 8;
    const bool whole = size <= b.size() - at - 8;
    if (std::memcmp(&b[at], "fmt ", 4) == 0) {
      if (!whole || size < 16) return fail("truncated fmt chunk");
      format = detail::le(body, 2);
      channels = detail::le(body + 2, 2);
      a.sample_rate = detail::le(body + 4, 4);
      bits = detail::le(body + 14, 2);
      if (format == 0xFFFE && size >= 40) format = detail::le(body + 24, 2);  // extensible: the sub-format
      have_fmt = true;
    } else if (std::memcmp(&b[at], "data", 4) == 0) {
      if (!have_fmt) return fail("data chunk before the fmt chunk");
      if (format != 1)
        return fail("sample format " + std::to_string(format) + (format == 3 ? " (float)" : "") +
                    "; streaming reads 16-bit PCM (convert: sox in.wav -b 16 -e signed-integer out.wav)");
      if (channels != 1)
        return fail(std::to_string(channels) + " channels; streaming reads mono (convert: sox in.wav -c 1 out.wav)");
      if (bits != 16)
        return fail(std::to_string(bits) + "-bit samples; streaming reads 16-bit PCM (convert: sox in.wav -b 16 out.wav)");
      if (a.sample_rate == 0) return fail("sample rate 0");
      if (!whole) return fail("truncated: the data chunk announces " + std::to_string(size) + " bytes, the file holds " +
                              std::to_string(b.size() - at - 8));
      if (size % 2 != 0) return fail("odd data size for 16-bit samples");
      a.samples.resize(size / 2);
      for (std::size_t i = 0; i < a.samples.size(); ++i)
        a.samples[i] = static_cast<float>(static_cast<std::int16_t>(detail::le(body + 2 * i, 2))) / 32768.0f;
      return a;
    }
    if (!whole) break;
    at += 8 + size + (size & 1);  // chunks are padded to even sizes
  }
  return fail(have_fmt ? "no data chunk (truncated?)" : "no fmt chunk (truncated?)");
}

inline audio read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse(b, path.string());
}

/// The bytes of a mono 16-bit PCM WAV file; samples clipped to [−1, 1].
inline std::string bytes(const audio& a) {
  const auto n = static_cast<std::uint32_t>(a.samples.size());
  std::string out = "RIFF";
  detail::put(out, 36 + 2 * n, 4);
  out += "WAVEfmt ";
  detail::put(out, 16, 4);
  detail::put(out, 1, 2);  // PCM
  detail::put(out, 1, 2);  // mono
  detail::put(out, a.sample_rate, 4);
  detail::put(out, a.sample_rate * 2, 4);
  detail::put(out, 2, 2);
  detail::put(out, 16, 2);
  out += "data";
  detail::put(out, 2 * n, 4);
  for (float s : a.samples) {
    const float c = std::clamp(std::isnan(s) ? 0.0f : s, -1.0f, 1.0f);
    const long v = std::lround(c * 32767.0f);
    detail::put(out, static_cast<std::uint32_t>(static_cast<std::uint16_t>(static_cast<std::int16_t>(v))), 2);
  }
  return out;
}

inline void write(const std::filesystem::path& path, const audio& a) {
  std::ofstream out(path, std::ios::binary);
  const std::string b = bytes(a);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
  if (!out) throw std::runtime_error(path.string() + ": write failed");
}

}  // namespace wav
