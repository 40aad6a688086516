// SPDX-License-Identifier: Apache-2.0
// What the rest of a project includes to call the S5 model: no ctnn layers,
// no Hana, no Highway (ctnn/model_ref.hpp: <array>, <cstddef>, <span>).
#pragma once
#include <ctnn/model_ref.hpp>

/// The S5 classifier (784-256-128-10), compiled in model.cpp.
ctnn::model_ref<784, 10> s5_model();
