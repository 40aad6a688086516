// SPDX-License-Identifier: Apache-2.0
// ctnn/kernels/static.hpp — static dispatch (the default): compiles the
// kernels once, for HWY_STATIC_TARGET, i.e. what the TU's -march allows.
// For run-time dispatch over all targets see README "Dynamic dispatch".
#pragma once
#define CTNN_KERNELS_STATIC_HPP_  // ctnn/dynamic.hpp checks it
// IWYU pragma: private, include "ctnn/ctnn.hpp"

#include "ctnn/detail/highway.hpp"

#include <cstdint>

#include "ctnn/kernels/batch-inl.hpp"
#include "ctnn/kernels/network-inl.hpp"

namespace ctnn::detail {
/// Tag naming the static target. Entry points that call kernels take it as a
/// defaulted template argument, so TUs built with different -march flags
/// instantiate differently-mangled functions instead of violating the ODR.
template <std::int64_t Target>
struct target_tag {};
using static_target = target_tag<HWY_STATIC_TARGET>;
}  // namespace ctnn::detail
