// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/targets.hpp — the Highway targets ctnn compiles for. Included
// before anything of Highway's (ctnn/detail/highway.hpp, ctnn/dynamic.hpp),
// so that a choice made here reaches Highway's target selection. ctnn
// supports every Highway target on x86 and Arm, SVE included
// (kernels/tag-inl.hpp); nothing is disabled today.
#pragma once
