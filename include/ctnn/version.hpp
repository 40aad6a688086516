// SPDX-License-Identifier: Apache-2.0
// ctnn/version.hpp — the one place the version is written; CMake reads it.
#pragma once

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0
#define CTNN_VERSION (CTNN_VERSION_MAJOR * 10000 + CTNN_VERSION_MINOR * 100 + CTNN_VERSION_PATCH)
