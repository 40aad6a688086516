// SPDX-License-Identifier: Apache-2.0
// ctnn/detail/hwy_config.hpp — what must be settled before Highway is
// included; every ctnn header includes this first.
//
// Highway 1.0.3 stops with "#error Logic error: best baseline should be
// included in dynamic targets" when a TU's -march enables every AVX3_DL
// feature, AVX-VNNI included (-march=native on Intel Sapphire Rapids and
// later; Zen 4 has no AVX-VNNI and never sees it): the static target is then
// AVX3_DL, but the list of attainable targets tests an undefined
// HWY_BASELINE and leaves AVX3_DL out unless HWY_WANT_AVX3_DL is defined.
// Defining it for exactly those TUs mends that and changes nothing else (the
// TU's static target is AVX3_DL either way). A TU that includes Highway
// before any ctnn header needs -DHWY_WANT_AVX3_DL itself.
#pragma once
// IWYU pragma: private

#if !defined(HWY_WANT_AVX3_DL) && defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && \
    defined(__AVX512VL__) && defined(__AVXVNNI__) && defined(__VAES__) && defined(__VPCLMULQDQ__) &&       \
    defined(__AVX512VBMI__) && defined(__AVX512VBMI2__) && defined(__AVX512VPOPCNTDQ__) &&                 \
    defined(__AVX512BITALG__)
#define HWY_WANT_AVX3_DL 1
#endif
