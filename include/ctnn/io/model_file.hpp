// SPDX-License-Identifier: Apache-2.0
// ctnn/io/model_file.hpp — ctnn::save(net, path) / ctnn::load(net, path): a
// small versioned binary model format.
//
//   offset  size  field
//   0       8     magic "CTNNMDL\0"
//   8       4     format version (1), little-endian u32
//   12      4     dtype (1 = float32 little-endian)
//   16      4     signature length S
//   20      S     topology signature (network_signature<Net>(), C++ text)
//   20+S    8     parameter count P, u64
//   28+S    4·P   parameters, interchange order (PyTorch state_dict order)
//   version 2 only (networks with buffers, e.g. batch_norm running stats):
//   28+S+4P 8     buffer count B, u64
//   36+S+4P 4·B   buffers, layer order (get_buffers)
//   end−8   8     FNV-1a 64 checksum of every byte before it
//
// Networks without buffers are written as version 1 (the original layout);
// both versions are read.
// load() is all-or-nothing: the file is read and checked completely (size,
// magic, version, dtype, signature, count, checksum, finite values) before a
// single parameter of the network changes; any failure throws model_error
// naming the file and the problem. save() writes a temporary file in the same
// directory and renames it into place, so a crash never leaves a half-written
// model under the final name. Both allocate (they are not hot-path code).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "ctnn/io/signature.hpp"
#include "ctnn/parameters.hpp"

namespace ctnn {

/// Thrown by load() and save() for anything wrong with a model file.
class model_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Options of load() and save().
struct model_io_options {
  /// Accept NaN or ±Inf parameters (refused by default: a diverged model).
  bool allow_nonfinite = false;
};

inline constexpr char model_magic[8] = {'C', 'T', 'N', 'N', 'M', 'D', 'L', '\0'};
inline constexpr std::uint32_t model_format_version = 2;  // newest version read and written
inline constexpr std::uint32_t model_dtype_float32 = 1;

namespace detail {
inline std::uint64_t fnv1a(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}
inline void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put_u64(std::vector<std::uint8_t>& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline std::uint64_t get_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}
inline void check_finite(const std::vector<float>& p, const std::string& what) {
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (!std::isfinite(p[k]))
      throw model_error(what + ": parameter " + std::to_string(k) + " is " + (std::isnan(p[k]) ? "NaN" : "infinite") +
                        " (pass model_io_options{.allow_nonfinite = true} to accept it)");
  }
}
}  // namespace detail

/// The bytes of a model file for `net`.
template <class Net>
std::vector<std::uint8_t> serialize(const Net& net, model_io_options opt = {}) {
  std::vector<float> p(Net::parameter_count);
  get_parameters(net, std::span<float, Net::parameter_count>(p.data(), p.size()));
  if (!opt.allow_nonfinite) detail::check_finite(p, "ctnn::save");
  std::vector<float> buf(Net::buffer_count);
  get_buffers(net, std::span<float, Net::buffer_count>(buf.data(), buf.size()));
  if (!opt.allow_nonfinite) detail::check_finite(buf, "ctnn::save (buffers)");
  const std::string sig = network_signature<Net>();
  std::vector<std::uint8_t> b(model_magic, model_magic + 8);
  detail::put_u32(b, Net::buffer_count == 0 ? 1 : 2);
  detail::put_u32(b, model_dtype_float32);
  detail::put_u32(b, static_cast<std::uint32_t>(sig.size()));
  b.insert(b.end(), sig.begin(), sig.end());
  detail::put_u64(b, Net::parameter_count);
  for (float f : p) detail::put_u32(b, std::bit_cast<std::uint32_t>(f));
  if constexpr (Net::buffer_count != 0) {
    detail::put_u64(b, Net::buffer_count);
    for (float f : buf) detail::put_u32(b, std::bit_cast<std::uint32_t>(f));
  }
  detail::put_u64(b, detail::fnv1a(b.data(), b.size()));
  return b;
}

/// Checks a model file image completely and sets `net` from it; `net` is
/// untouched if anything is wrong. `name` appears in error messages.
template <class Net>
void deserialize(Net& net, const std::vector<std::uint8_t>& b, const std::string& name = "<memory>",
                 model_io_options opt = {}) {
  const std::string sig = network_signature<Net>();
  auto fail = [&](const std::string& why) { throw model_error(name + ": " + why); };
  if (b.size() < 20) fail("truncated model file (" + std::to_string(b.size()) + " bytes)");
  if (!std::equal(model_magic, model_magic + 8, b.begin())) fail("not a ctnn model file (bad magic)");
  const auto version = static_cast<std::uint32_t>(detail::get_le(&b[8], 4));
  if (version != 1 && version != 2)
    fail("model format version " + std::to_string(version) + " is not supported (this ctnn reads versions 1 to " +
         std::to_string(model_format_version) + ")");
  if (version == 1 && Net::buffer_count != 0)
    fail("a version-1 file holds no batch_norm running statistics, which this network needs");
  const auto dtype = static_cast<std::uint32_t>(detail::get_le(&b[12], 4));
  if (dtype != model_dtype_float32) fail("unsupported parameter type code " + std::to_string(dtype));
  const std::uint64_t sig_len = detail::get_le(&b[16], 4);
  const std::uint64_t buffer_bytes = version == 2 ? 8 + 4ULL * Net::buffer_count : 0;
  const std::uint64_t expected_size = 20 + sig_len + 8 + 4ULL * Net::parameter_count + buffer_bytes + 8;
  if (b.size() < 20 + sig_len) fail("truncated model file (signature cut short)");
  const std::string file_sig(b.begin() + 20, b.begin() + 20 + static_cast<std::ptrdiff_t>(sig_len));
  if (b.size() < 20 + sig_len + 8) fail("truncated model file (no parameter count)");
  const std::uint64_t count = detail::get_le(&b[20 + sig_len], 8);
  if (file_sig != sig)
    fail("the file holds a different network: " + detail::signature_difference(file_sig, sig) +
         ". It was saved for " + file_sig + " (" + std::to_string(count) + " parameters); this network is " + sig +
         " (" + std::to_string(Net::parameter_count) + " parameters)");
  if (count != Net::parameter_count) fail("parameter count " + std::to_string(count) + " does not match the network's " + std::to_string(Net::parameter_count));
  if (b.size() != expected_size)
    fail((b.size() < expected_size ? "truncated model file: " : "trailing bytes in model file: ") +
         std::to_string(b.size()) + " bytes, expected " + std::to_string(expected_size));
  const std::size_t body = b.size() - 8;
  if (detail::get_le(&b[body], 8) != detail::fnv1a(b.data(), body)) fail("checksum mismatch: the file is corrupted");
  std::vector<float> p(Net::parameter_count);
  const std::size_t at = 20 + sig_len + 8;
  for (std::size_t k = 0; k < p.size(); ++k)
    p[k] = std::bit_cast<float>(static_cast<std::uint32_t>(detail::get_le(&b[at + 4 * k], 4)));
  if (!opt.allow_nonfinite) detail::check_finite(p, name);
  std::vector<float> buf(Net::buffer_count);
  if (version == 2) {
    const std::size_t bat = at + 4 * p.size();
    const std::uint64_t nb = detail::get_le(&b[bat], 8);
    if (nb != Net::buffer_count)
      fail("buffer count " + std::to_string(nb) + " does not match the network's " + std::to_string(Net::buffer_count));
    for (std::size_t k = 0; k < buf.size(); ++k)
      buf[k] = std::bit_cast<float>(static_cast<std::uint32_t>(detail::get_le(&b[bat + 8 + 4 * k], 4)));
    if (!opt.allow_nonfinite) detail::check_finite(buf, name + " (buffers)");
  }
  // Only now, with everything checked:
  set_parameters(net, std::span<const float, Net::parameter_count>(p.data(), p.size()));
  set_buffers(net, std::span<const float, Net::buffer_count>(buf.data(), buf.size()));
}

/// Writes `net` to `path` atomically (temporary file in the same directory,
/// then rename). Throws model_error on any I/O failure; never leaves a
/// partial file at `path`.
namespace detail {
/// Writes `size` bytes to `path` through a temporary file in the same
/// directory and a rename, so `path` never holds a partial file.
inline void write_file_atomically(const std::filesystem::path& path, const char* data, std::size_t size) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-ctnn";
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw model_error(path.string() + ": cannot create " + tmp.string());
    out.write(data, static_cast<std::streamsize>(size));
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      throw model_error(path.string() + ": write failed");
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw model_error(path.string() + ": cannot rename the temporary file into place");
  }
}
}  // namespace detail

/// Writes `net` to `path` atomically (temporary file in the same directory,
/// then rename). Throws model_error on any I/O failure; never leaves a
/// partial file at `path`.
template <class Net>
void save(const Net& net, const std::filesystem::path& path, model_io_options opt = {}) {
  const auto bytes = serialize(net, opt);
  detail::write_file_atomically(path, reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

/// Reads `path` into `net`, all or nothing (see deserialize()).
template <class Net>
void load(Net& net, const std::filesystem::path& path, model_io_options opt = {}) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw model_error(path.string() + ": no such file");
  const auto size = std::filesystem::file_size(path, ec);
  const std::uint64_t limit = 64 + 4096 + 4ULL * (Net::parameter_count + Net::buffer_count);  // generous: signature up to 4 KiB
  if (ec || size > limit) throw model_error(path.string() + ": not a model for this network (file too large)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw model_error(path.string() + ": cannot open");
  std::vector<std::uint8_t> b(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (in.gcount() != static_cast<std::streamsize>(b.size())) throw model_error(path.string() + ": read failed");
  deserialize(net, b, path.string(), opt);
}

}  // namespace ctnn
