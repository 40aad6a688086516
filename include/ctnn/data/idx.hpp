// SPDX-License-Identifier: Apache-2.0
// ctnn/data/idx.hpp — reader for IDX files (the MNIST / Fashion-MNIST
// format), gzip-compressed or raw, through zlib. Every malformed input —
// missing file, foreign magic, truncated header or payload, trailing bytes,
// zero or absurd dimensions, corrupt gzip stream — throws ctnn::data::idx_error
// with a message naming the file and what is wrong; nothing is returned
// half-read. Not on any hot path: it allocates (std::vector).
// Needs zlib: link ctnn::data (CMake) or -lz.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctnn::data {

/// Thrown for any unreadable or malformed IDX input.
class idx_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `count` images of rows × cols bytes, row-major, image after image.
struct idx_images {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;
  std::span<const std::uint8_t> image(std::size_t i) const {
    return std::span<const std::uint8_t>(pixels).subspan(i * rows * cols, rows * cols);
  }
};

/// One byte label per item.
struct idx_labels {
  std::vector<std::uint8_t> labels;
  std::size_t count() const noexcept { return labels.size(); }
};

/// Files larger than this (decompressed) are refused: no IDX data set we know
/// comes near it, and it bounds a hostile gzip stream.
inline constexpr std::size_t max_idx_bytes = std::size_t{1} << 30;

namespace detail {
inline std::uint32_t big_endian_u32(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) |
         std::uint32_t{b[at + 3]};
}
inline std::string hex(std::uint32_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xf];
  return s;
}
/// Checks magic and rank, returns the dimensions; `what` names the kind.
inline std::vector<std::size_t> parse_header(std::span<const std::uint8_t> bytes, std::uint32_t magic,
                                             std::size_t rank, const std::string& name, const char* what) {
  const std::size_t header = 4 + 4 * rank;
  if (bytes.size() < 4)
    throw idx_error(name + ": truncated IDX header (" + std::to_string(bytes.size()) + " bytes)");
  const std::uint32_t got = big_endian_u32(bytes, 0);
  if (got != magic)
    throw idx_error(name + ": not an IDX " + what + " file (magic " + hex(got) + ", expected " + hex(magic) + ")");
  if (bytes.size() < header)
    throw idx_error(name + ": truncated IDX header (" + std::to_string(bytes.size()) + " of " +
                    std::to_string(header) + " bytes)");
  std::vector<std::size_t> dims;
  std::size_t total = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    const std::size_t n = big_endian_u32(bytes, 4 + 4 * d);
    if (n == 0) throw idx_error(name + ": dimension " + std::to_string(d) + " is zero");
    if (n > max_idx_bytes / total) throw idx_error(name + ": dimensions too large");
    total *= n;
    dims.push_back(n);
  }
  const std::size_t payload = bytes.size() - header;
  if (payload < total)
    throw idx_error(name + ": truncated: the header promises " + std::to_string(total) + " data bytes, the file has " +
                    std::to_string(payload));
  if (payload > total)
    throw idx_error(name + ": " + std::to_string(payload - total) + " unexpected bytes after the data");
  return dims;
}
}  // namespace detail

/// Parses an IDX3 unsigned-byte image file held in memory.
inline idx_images parse_idx_images(std::span<const std::uint8_t> bytes, const std::string& name = "<memory>") {
  const auto dims = detail::parse_header(bytes, 0x00000803u, 3, name, "image (ubyte, 3-D)");
  idx_images out;
  out.count = dims[0];
  out.rows = dims[1];
  out.cols = dims[2];
  out.pixels.assign(bytes.begin() + 16, bytes.end());
  return out;
}

/// Parses an IDX1 unsigned-byte label file held in memory.
inline idx_labels parse_idx_labels(std::span<const std::uint8_t> bytes, const std::string& name = "<memory>") {
  detail::parse_header(bytes, 0x00000801u, 1, name, "label (ubyte, 1-D)");
  return idx_labels{std::vector<std::uint8_t>(bytes.begin() + 8, bytes.end())};
}

/// Reads a whole file, gunzipping it if it is gzip-compressed (raw files pass
/// through unchanged). Throws idx_error on any failure.
inline std::vector<std::uint8_t> read_maybe_gzipped(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw idx_error(name + ": no such file");
  gzFile f = gzopen(name.c_str(), "rb");
  if (f == nullptr) throw idx_error(name + ": cannot open");
  std::vector<std::uint8_t> data;
  std::uint8_t buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int err = 0;
      const std::string msg = gzerror(f, &err);
      gzclose(f);
      throw idx_error(name + ": corrupt or truncated gzip stream (" + msg + ")");
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
    if (data.size() > max_idx_bytes) {
      gzclose(f);
      throw idx_error(name + ": larger than " + std::to_string(max_idx_bytes) + " bytes");
    }
  }
  // gzread returns 0 at a truncated gzip end too; gzclose_r reports it.
  const int rc = gzclose_r(f);
  if (rc != Z_OK) throw idx_error(name + ": corrupt or truncated gzip stream");
  return data;
}

/// Reads an IDX image file (.gz or raw).
inline idx_images read_idx_images(const std::filesystem::path& path) {
  return parse_idx_images(read_maybe_gzipped(path), path.string());
}

/// Reads an IDX label file (.gz or raw).
inline idx_labels read_idx_labels(const std::filesystem::path& path) {
  return parse_idx_labels(read_maybe_gzipped(path), path.string());
}

}  // namespace ctnn::data
