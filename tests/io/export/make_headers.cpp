// SPDX-License-Identifier: Apache-2.0
// Writes the exported headers that tests/io/export compiles:
//   make_headers <dir>  ->  <dir>/dense_model.hpp, mixed_model.hpp, big_model.hpp, sequence_model.hpp
#include <ctnn/io/export_header.hpp>

#include <cstdio>
#include <filesystem>

#include "export_nets.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_headers <output directory>\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  ctnn::export_header(*export_test::make<export_test::Dense>(1), dir / "dense_model.hpp", "dense_model");
  ctnn::export_header(*export_test::make<export_test::Mixed>(2), dir / "mixed_model.hpp", "mixed_model");
  ctnn::export_header(*export_test::make<export_test::Big>(3), dir / "big_model.hpp", "big_model");
  ctnn::export_header(*export_test::make<export_test::Sequence>(4), dir / "sequence_model.hpp", "sequence_model");
  return 0;
}
