// SPDX-License-Identifier: Apache-2.0
// ctnn/data/idx.hpp: round trips (raw and gzip) and every malformed input,
// on small IDX files the test writes itself.
#include "ctnn/data/idx.hpp"

#include <zlib.h>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ctnn::data::idx_error;

namespace {
std::vector<std::uint8_t> be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}
std::vector<std::uint8_t> image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols) {
  std::vector<std::uint8_t> f;
  for (auto v : {0x803u, count, rows, cols}) {
    const auto b = be32(v);
    f.insert(f.end(), b.begin(), b.end());
  }
  for (std::uint32_t i = 0; i < count * rows * cols; ++i) f.push_back(static_cast<std::uint8_t>(i * 7));
  return f;
}
std::vector<std::uint8_t> label_file(std::uint32_t count) {
  std::vector<std::uint8_t> f;
  for (auto v : {0x801u, count}) {
    const auto b = be32(v);
    f.insert(f.end(), b.begin(), b.end());
  }
  for (std::uint32_t i = 0; i < count; ++i) f.push_back(static_cast<std::uint8_t>(i % 10));
  return f;
}
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("ctnn_idx_test_" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};
void write_raw(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
void write_gz(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}
std::vector<std::uint8_t> read_raw(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("idx: images and labels round-trip, raw and gzip", "[data][idx]") {
  temp_dir dir;
  const auto img = image_file(3, 4, 5);
  write_raw(dir.path / "img.idx", img);
  write_gz(dir.path / "img.idx.gz", img);
  write_gz(dir.path / "lab.idx.gz", label_file(3));
  for (const char* name : {"img.idx", "img.idx.gz"}) {
    const auto im = ctnn::data::read_idx_images(dir.path / name);
    CHECK(im.count == 3);
    CHECK(im.rows == 4);
    CHECK(im.cols == 5);
    REQUIRE(im.pixels.size() == 60);
    CHECK(im.image(2)[1] == static_cast<std::uint8_t>(41 * 7));
  }
  const auto lab = ctnn::data::read_idx_labels(dir.path / "lab.idx.gz");
  REQUIRE(lab.count() == 3);
  CHECK(lab.labels[2] == 2);
}

TEST_CASE("idx: a missing file is a clear error", "[data][idx]") {
  CHECK_THROWS_WITH(ctnn::data::read_idx_images("/nonexistent/ctnn/train-images.gz"),
                    Catch::Contains("no such file"));
}

TEST_CASE("idx: wrong magic names what it found", "[data][idx]") {
  CHECK_THROWS_WITH(ctnn::data::parse_idx_images(label_file(4), "labels-as-images"),
                    Catch::Contains("not an IDX image") && Catch::Contains("0x00000801"));
  CHECK_THROWS_WITH(ctnn::data::parse_idx_labels(image_file(1, 2, 2), "images-as-labels"),
                    Catch::Contains("not an IDX label"));
}

TEST_CASE("idx: truncation at every byte offset is refused", "[data][idx]") {
  const auto img = image_file(2, 3, 3);
  for (std::size_t n = 0; n < img.size(); ++n) {
    INFO("truncated to " << n << " bytes");
    const std::vector<std::uint8_t> cut(img.begin(), img.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_THROWS_AS(ctnn::data::parse_idx_images(cut), idx_error);
  }
  const auto lab = label_file(5);
  for (std::size_t n = 0; n < lab.size(); ++n) {
    const std::vector<std::uint8_t> cut(lab.begin(), lab.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_THROWS_AS(ctnn::data::parse_idx_labels(cut), idx_error);
  }
  CHECK_NOTHROW(ctnn::data::parse_idx_images(img));
}

TEST_CASE("idx: counts that do not match the payload, trailing bytes, zero dimensions", "[data][idx]") {
  auto img = image_file(2, 3, 3);
  img[7] = 3;  // header claims 3 images, payload holds 2
  CHECK_THROWS_WITH(ctnn::data::parse_idx_images(img), Catch::Contains("truncated"));
  auto extra = image_file(2, 3, 3);
  extra.push_back(0);
  CHECK_THROWS_WITH(ctnn::data::parse_idx_images(extra), Catch::Contains("unexpected bytes"));
  CHECK_THROWS_WITH(ctnn::data::parse_idx_images(image_file(0, 28, 28)), Catch::Contains("zero"));
  auto huge = image_file(1, 1, 1);
  for (std::size_t k = 4; k < 16; ++k) huge[k] = 0xff;  // 4e9 × 4e9 × 4e9 bytes
  CHECK_THROWS_WITH(ctnn::data::parse_idx_images(huge), Catch::Contains("too large"));
}

TEST_CASE("idx: a truncated or corrupted gzip stream is refused", "[data][idx]") {
  temp_dir dir;
  write_gz(dir.path / "ok.gz", image_file(20, 8, 8));
  const auto gz = read_raw(dir.path / "ok.gz");
  for (std::size_t n : {gz.size() / 2, gz.size() - 9, gz.size() - 1}) {
    INFO("gzip truncated to " << n << " of " << gz.size() << " bytes");
    write_raw(dir.path / "cut.gz", std::vector<std::uint8_t>(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(n)));
    CHECK_THROWS_AS(ctnn::data::read_idx_images(dir.path / "cut.gz"), idx_error);
  }
  auto flipped = gz;
  flipped[gz.size() / 2] ^= 0x5a;
  write_raw(dir.path / "flip.gz", flipped);
  CHECK_THROWS_AS(ctnn::data::read_idx_images(dir.path / "flip.gz"), idx_error);
}
