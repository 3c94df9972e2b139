// SPDX-License-Identifier: MIT
// Row kernels of the fused full loss: value and gradient of the negative terms of one row of
// logits. Float rows use polynomial exp/log that the compiler vectorises (built for AVX2 and a
// baseline, chosen at run time); double rows use the C library (tests).
#pragma once

#include <cstdint>

namespace geoinr::core::fused
{

/**
 * For j < n: grad[j] = scale * d/dz t(z[j]); returns sum_j t(z[j]) where t is the AN negative term
 * -log(1 - sigmoid(z) + eps), or the ME term -H(1 - sigmoid(z)) when maxEntropy.
 */
double negativeRow(const float* z, float* grad, std::int64_t n, float scale, bool maxEntropy);
double negativeRow(const double* z, double* grad, std::int64_t n, double scale, bool maxEntropy);

} // namespace geoinr::core::fused
