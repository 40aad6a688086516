// SPDX-License-Identifier: Apache-2.0
// ctnn::save / ctnn::load / ctnn::export_header: round trips and every
// failure — missing file, truncation at every byte offset, every flipped
// byte, wrong topology, wrong version, NaN/Inf — each leaving the network
// exactly as it was.
#include "ctnn/io/model_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ctnn/ctnn.hpp"
#include "ctnn/io/export_header.hpp"

namespace fs = std::filesystem;
using Small = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>, ctnn::dense<2, ctnn::softmax>>;
using Other = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::relu>, ctnn::dense<2, ctnn::softmax>>;

namespace {
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("ctnn_model_test_" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};
template <class Net>
std::vector<float> params(const Net& n) {
  std::vector<float> p(Net::parameter_count);
  ctnn::get_parameters(n, std::span<float, Net::parameter_count>(p.data(), p.size()));
  return p;
}
void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
}  // namespace

TEST_CASE("model file: save then load restores every parameter bit for bit", "[io]") {
  temp_dir dir;
  Small a, b;
  ctnn::initialize(a, 1);
  ctnn::initialize(b, 2);
  ctnn::save(a, dir.path / "m.ctnn");
  std::ifstream in(dir.path / "m.ctnn", std::ios::binary);
  const std::vector<std::uint8_t> on_disk((std::istreambuf_iterator<char>(in)), {});
  CHECK(on_disk == ctnn::serialize(a));
  CHECK_FALSE(fs::exists(dir.path / "m.ctnn.tmp-ctnn"));  // the temporary is renamed away
  ctnn::load(b, dir.path / "m.ctnn");
  CHECK(params(a) == params(b));
  const std::array<float, 3> x{0.1f, -0.2f, 0.3f};
  CHECK(a.forward(x) == b.forward(x));
  CHECK(fs::file_size(dir.path / "m.ctnn") == 20 + ctnn::network_signature<Small>().size() + 8 + 4 * Small::parameter_count + 8);
}

TEST_CASE("model file: the signature is the network's C++ type", "[io]") {
  CHECK(ctnn::network_signature<Small>() ==
        "ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>, ctnn::dense<2, ctnn::softmax>>");
}

TEST_CASE("model file: a missing file is a clear error and changes nothing", "[io]") {
  Small n;
  ctnn::initialize(n, 3);
  const auto before = params(n);
  CHECK_THROWS_WITH(ctnn::load(n, "/nonexistent/dir/model.ctnn"), Catch::Contains("no such file"));
  CHECK(params(n) == before);
}

TEST_CASE("model file: truncation at every byte offset is refused, network untouched", "[io]") {
  temp_dir dir;
  Small a, n;
  ctnn::initialize(a, 4);
  ctnn::initialize(n, 5);
  const auto bytes = ctnn::serialize(a);
  const auto before = params(n);
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    INFO("truncated to " << len << " of " << bytes.size() << " bytes");
    write_bytes(dir.path / "cut.ctnn", std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len)));
    CHECK_THROWS_AS(ctnn::load(n, dir.path / "cut.ctnn"), ctnn::model_error);
    REQUIRE(params(n) == before);
  }
}

TEST_CASE("model file: every flipped byte is detected, network untouched", "[io]") {
  Small a, n;
  ctnn::initialize(a, 6);
  ctnn::initialize(n, 7);
  const auto bytes = ctnn::serialize(a);
  const auto before = params(n);
  for (std::size_t k = 0; k < bytes.size(); ++k) {
    auto bad = bytes;
    bad[k] ^= 0x10;
    INFO("byte " << k << " flipped");
    CHECK_THROWS_AS(ctnn::deserialize(n, bad, "flipped"), ctnn::model_error);
    REQUIRE(params(n) == before);
  }
  auto extra = bytes;
  extra.push_back(0);
  CHECK_THROWS_WITH(ctnn::deserialize(n, extra, "extra"), Catch::Contains("trailing bytes"));
  CHECK(params(n) == before);
}

TEST_CASE("model file: another topology is refused with both names", "[io]") {
  temp_dir dir;
  Other o;
  ctnn::initialize(o, 8);
  ctnn::save(o, dir.path / "other.ctnn");
  Small n;
  const auto before = params(n);
  CHECK_THROWS_WITH(ctnn::load(n, dir.path / "other.ctnn"),
                    Catch::Contains("ctnn::dense<4, ctnn::relu>") && Catch::Contains("ctnn::leaky_relu<1, 8>"));
  // ... and points at the first layer that differs, with both specs.
  CHECK_THROWS_WITH(ctnn::load(n, dir.path / "other.ctnn"),
                    Catch::Contains("layer 0 differs: the file has ctnn::dense<4, ctnn::relu>, this network "
                                    "ctnn::dense<4, ctnn::leaky_relu<1, 8>>"));
  CHECK(params(n) == before);
}

TEST_CASE("model file: a topology mismatch names the input, a deeper layer or the layer count", "[io]") {
  using ctnn::detail::signature_difference;
  const std::string a = ctnn::network_signature<Small>();
  CHECK(signature_difference(a, a).empty());
  CHECK(signature_difference(ctnn::network_signature<ctnn::network<ctnn::input<5>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>,
                                                                   ctnn::dense<2, ctnn::softmax>>>(),
                             a) == "the input differs: the file has ctnn::input<5>, this network ctnn::input<3>");
  using Deeper = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>,
                               ctnn::residual<ctnn::dense<4>, ctnn::batch_norm<>>, ctnn::dense<2, ctnn::softmax>>;
  CHECK(signature_difference(ctnn::network_signature<Deeper>(), a) ==
        "layer 1 differs: the file has ctnn::residual<ctnn::dense<4, ctnn::identity>, ctnn::batch_norm<1, 10, 5>>, "
        "this network ctnn::dense<2, ctnn::softmax>");
  using Longer = ctnn::network<ctnn::input<3>, ctnn::dense<4, ctnn::leaky_relu<1, 8>>, ctnn::dense<2, ctnn::softmax>,
                               ctnn::dense<1>>;
  CHECK(signature_difference(ctnn::network_signature<Longer>(), a) ==
        "the file has 3 layers, this network 2 (first unmatched: layer 2, ctnn::dense<1, ctnn::identity> in the file)");
}

TEST_CASE("model file: an unknown format version is refused", "[io]") {
  Small a, n;
  auto bytes = ctnn::serialize(a);
  bytes[8] = 3;  // version 3 (unknown), with a valid checksum
  const std::size_t body = bytes.size() - 8;
  const auto h = ctnn::detail::fnv1a(bytes.data(), body);
  for (int i = 0; i < 8; ++i) bytes[body + i] = static_cast<std::uint8_t>(h >> (8 * i));
  CHECK_THROWS_WITH(ctnn::deserialize(n, bytes, "v3"), Catch::Contains("version 3 is not supported"));
}

TEST_CASE("model file: NaN and Inf parameters are refused unless allowed", "[io]") {
  temp_dir dir;
  Small a, n;
  ctnn::initialize(a, 9);
  a.layer<0>().weight(1, 2) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(ctnn::save(a, dir.path / "nan.ctnn"), Catch::Contains("NaN"));
  ctnn::save(a, dir.path / "nan.ctnn", {.allow_nonfinite = true});
  const auto before = params(n);
  CHECK_THROWS_WITH(ctnn::load(n, dir.path / "nan.ctnn"), Catch::Contains("NaN"));
  CHECK(params(n) == before);
  ctnn::load(n, dir.path / "nan.ctnn", {.allow_nonfinite = true});
  CHECK(std::isnan(n.layer<0>().weight(1, 2)));
  a.layer<0>().weight(1, 2) = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(ctnn::serialize(a), Catch::Contains("infinite"));
}

TEST_CASE("model file: a failed save leaves no file behind", "[io]") {
  Small a;
  CHECK_THROWS_AS(ctnn::save(a, "/nonexistent/dir/model.ctnn"), ctnn::model_error);
  CHECK_FALSE(fs::exists("/nonexistent/dir/model.ctnn.tmp-ctnn"));
}

TEST_CASE("export_header: exact hex-float parameters and the network type", "[io][export]") {
  temp_dir dir;
  Small a;
  ctnn::initialize(a, 10);
  ctnn::export_header(a, dir.path / "small.hpp", "small_model");
  std::ifstream in(dir.path / "small.hpp");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK_THAT(text, Catch::Contains("namespace small_model {"));
  CHECK_THAT(text, Catch::Contains("using network_type = " + ctnn::network_signature<Small>() + ";"));
  CHECK_THAT(text, Catch::Contains("inline const network_type network = load_network();"));
  CHECK_THAT(text, Catch::Contains("constexpr network_type make_network() noexcept"));
  // Parse the parameter list back: every value exact.
  const auto open = text.find("parameters{");
  REQUIRE(open != std::string::npos);
  std::istringstream list(text.substr(open + 11, text.find("};", open) - open - 11));
  std::vector<float> back;
  std::string tok;
  while (list >> tok) back.push_back(std::strtof(tok.c_str(), nullptr));
  CHECK(back == params(a));
  CHECK_THROWS_AS(ctnn::export_header(a, dir.path / "x.hpp", "not an identifier"), ctnn::model_error);
}
