// SPDX-License-Identifier: Apache-2.0
// ctnn/ctnn.hpp — umbrella header: includes the whole public API. The
// built-in layers come in through ctnn/layers/layers-inl.hpp (one line per
// layer: its kernels and its compile-time header).
#pragma once

#include "ctnn/activations.hpp"  // IWYU pragma: export
#include "ctnn/bf16.hpp"         // IWYU pragma: export
#include "ctnn/config.hpp"       // IWYU pragma: export
#include "ctnn/evaluate.hpp"     // IWYU pragma: export
#include "ctnn/init.hpp"         // IWYU pragma: export
#include "ctnn/layers/layers-inl.hpp"  // IWYU pragma: export
#include "ctnn/network.hpp"      // IWYU pragma: export
#include "ctnn/parameters.hpp"   // IWYU pragma: export
#include "ctnn/losses.hpp"       // IWYU pragma: export
#include "ctnn/optimizers.hpp"   // IWYU pragma: export
#include "ctnn/random.hpp"       // IWYU pragma: export
#include "ctnn/trainer.hpp"      // IWYU pragma: export
#include "ctnn/sequence_trainer.hpp"  // IWYU pragma: export
#include "ctnn/version.hpp"      // IWYU pragma: export
#include "ctnn/io/export_header.hpp" // IWYU pragma: export
#include "ctnn/io/model_file.hpp"  // IWYU pragma: export
#include "ctnn/search.hpp"          // IWYU pragma: export
