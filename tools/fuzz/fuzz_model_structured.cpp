// SPDX-License-Identifier: Apache-2.0
// Structure-aware libFuzzer target for the model loader. A custom mutator
// (LLVMFuzzerCustomMutator) parses its input as a model file — header
// fields, signature, counts, parameters, buffers — mutates one field the
// way a damaged or foreign file would differ (a version, a count, a
// signature character, a NaN, a cut) and, most of the time, recomputes the
// FNV-1a checksum, so that mutations reach the parser behind the checksum
// instead of dying at it (the byte-level fuzz_model target keeps testing
// the checksum itself). Built once per model-file flavour:
// CTNN_FUZZ_NET = fuzz_nets::dense (format v1), fuzz_nets::mixed (v2) or fuzz_nets::sequence (v1, stateful).
//
// The promise checked on every input: it loads, or it throws
// ctnn::model_error and the network — parameters, buffers, state, every
// byte of the object — is untouched. A loaded file saves back to the same
// bytes.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz_nets.hpp"

using Net = CTNN_FUZZ_NET;

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

std::uint64_t get_le(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
void put_le(std::uint8_t* p, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// Where the fields of a model-file image are, as far as they can be read.
struct layout {
  bool ok = false;            // magic, and room for header + signature + count
  std::size_t sig = 0, sig_len = 0, count_at = 0, payload = 0, body = 0;
};
layout parse(const std::vector<std::uint8_t>& b) {
  layout l;
  if (b.size() < 36 || std::memcmp(b.data(), ctnn::model_magic, 8) != 0) return l;
  l.sig = 20;
  l.sig_len = static_cast<std::size_t>(get_le(&b[16], 4));
  if (l.sig_len > b.size() || 20 + l.sig_len + 8 + 8 > b.size()) return l;
  l.count_at = 20 + l.sig_len;
  l.payload = l.count_at + 8;
  l.body = b.size() - 8;
  l.ok = l.payload <= l.body;
  return l;
}

void fix_checksum(std::vector<std::uint8_t>& b) {
  if (b.size() < 8) return;
  const std::size_t body = b.size() - 8;
  put_le(&b[body], ctnn::detail::fnv1a(b.data(), body), 8);
}

std::uint64_t next(std::uint64_t& s) {  // splitmix64
  s += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = s;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Float patterns a damaged or hostile file holds.
constexpr std::array<std::uint32_t, 10> kFloats = {0x7fc00000u, 0xffc00001u, 0x7f800000u, 0xff800000u, 0x00000001u,
                                                   0x80000000u, 0x7f7fffffu, 0x3f800000u, 0x00800000u, 0x7fa00000u};

void mutate_field(std::vector<std::uint8_t>& b, const layout& l, std::uint64_t& s, std::size_t max_size) {
  switch (next(s) % 10) {
    case 0:  // version
      put_le(&b[8], next(s) % 4, 4);
      break;
    case 1:  // dtype
      put_le(&b[12], next(s) % 3, 4);
      break;
    case 2: {  // signature length: off by a little, or anything
      const std::uint64_t v = next(s) % 2 ? l.sig_len + (next(s) % 5) - 2 : next(s);
      put_le(&b[16], v, 4);
      break;
    }
    case 3: {  // the signature text, by libFuzzer's own byte mutations (size kept: the fields behind it stay)
      if (l.sig_len == 0) break;
      std::vector<std::uint8_t> sig(b.begin() + static_cast<std::ptrdiff_t>(l.sig),
                                    b.begin() + static_cast<std::ptrdiff_t>(l.sig + l.sig_len));
      const std::size_t n = LLVMFuzzerMutate(sig.data(), sig.size(), sig.size());
      std::copy_n(sig.begin(), std::min(n, l.sig_len), b.begin() + static_cast<std::ptrdiff_t>(l.sig));
      break;
    }
    case 4: {  // the signature grows or shrinks (the length field follows)
      const std::size_t at = l.sig + (l.sig_len ? next(s) % l.sig_len : 0);
      if (next(s) % 2 && l.sig_len > 0) {
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at));
        put_le(&b[16], l.sig_len - 1, 4);
      } else if (b.size() < max_size) {
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>("<>, 0123456789ctnn:"[next(s) % 19]));
        put_le(&b[16], l.sig_len + 1, 4);
      }
      break;
    }
    case 5: {  // parameter count
      const std::uint64_t v = next(s) % 2 ? get_le(&b[l.count_at], 8) + (next(s) % 3) - 1 : next(s);
      put_le(&b[l.count_at], v, 8);
      break;
    }
    case 6: {  // one parameter or buffer value: NaN, Inf, a denormal, -0, FLT_MAX...
      const std::size_t n = (l.body - l.payload) / 4;
      if (n == 0) break;
      const std::size_t k = l.payload + 4 * (next(s) % n);
      put_le(&b[k], kFloats[next(s) % kFloats.size()], 4);
      break;
    }
    case 7: {  // the buffer count of a version-2 file, where it would be
      const std::size_t at = l.payload + 4 * static_cast<std::size_t>(Net::parameter_count);
      if (at + 8 <= l.body) put_le(&b[at], next(s) % 2 ? Net::buffer_count + (next(s) % 3) - 1 : next(s), 8);
      break;
    }
    case 8: {  // cut or extend the file
      if (next(s) % 2) {
        b.resize(b.size() - 1 - next(s) % std::min<std::size_t>(b.size() - 1, 16));
      } else if (b.size() + 8 <= max_size) {
        b.resize(b.size() + 1 + next(s) % 8, static_cast<std::uint8_t>(next(s)));
      }
      break;
    }
    default: {  // anything behind the header, by libFuzzer
      std::vector<std::uint8_t> tail(b.begin() + 16, b.end());
      tail.resize(std::max(tail.size(), max_size > 16 ? max_size - 16 : 0));
      const std::size_t n = LLVMFuzzerMutate(tail.data(), b.size() - 16, tail.size());
      b.resize(16 + n);
      std::copy_n(tail.begin(), n, b.begin() + 16);
      break;
    }
  }
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  std::uint64_t s = seed;
  std::vector<std::uint8_t> b(data, data + size);
  const layout l = parse(b);
  if (!l.ok) {
    // Not (enough of) a model file: plain byte mutations, then a checksum.
    b.resize(max_size);
    b.resize(LLVMFuzzerMutate(b.data(), size, max_size));
  } else {
    mutate_field(b, l, s, max_size);
  }
  if (next(s) % 8 != 0) fix_checksum(b);  // 1 in 8 keeps a wrong checksum
  if (b.size() > max_size) b.resize(max_size);
  std::copy(b.begin(), b.end(), data);
  return b.size();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Net net;
  alignas(Net) static unsigned char before[sizeof(Net)];
  std::memcpy(before, static_cast<const void*>(&net), sizeof(Net));
  const std::vector<std::uint8_t> bytes(data, data + size);
  const bool nonfinite = size % 2 == 1;
  try {
    ctnn::deserialize(net, bytes, "fuzz", {.allow_nonfinite = nonfinite});
  } catch (const ctnn::model_error&) {
    // Refused: not one byte of the network (parameters, buffers, state) changed.
    if (std::memcmp(before, static_cast<const void*>(&net), sizeof(Net)) != 0) std::abort();
    return 0;
  }
  // Loaded: the file is exactly what saving the network writes (a
  // network without buffers also reads version 2 with zero buffers; it
  // writes version 1, so compare its parameters then).
  const auto saved = ctnn::serialize(net, {.allow_nonfinite = true});
  if (saved != bytes) {
    // Only acceptable difference: version 2 with zero buffers read into a
    // network without buffers. From the dtype field to the last parameter,
    // the two images must then agree.
    const bool v2_without_buffers =
        Net::buffer_count == 0 && get_le(&bytes[8], 4) == 2 && bytes.size() == saved.size() + 8;
    const auto last_param = static_cast<std::ptrdiff_t>(saved.size() - 8);
    if (!v2_without_buffers || !std::equal(saved.begin() + 12, saved.begin() + last_param, bytes.begin() + 12))
      std::abort();
  }
  return 0;
}
