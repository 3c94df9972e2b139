// SPDX-License-Identifier: MIT
// Fused CPU evaluation of SINR's full losses (AN-full, ME-full, GP) with an analytic gradient.
#pragma once

#include <torch/types.h>

namespace geoinr::core
{

/**
 * Mean over [B, S] of the observed-location terms (lambda * -log(p + eps) at z_i, the negative term
 * elsewhere) plus the mean of the negative terms at the random locations. Negative term:
 * -log(1 - p + eps) (AN) or -H(1 - p) (ME). One parallel pass computes the value and d/dlogit; the
 * backward pass hands back the stored gradient. logitsStacked is [2B, S]: the B observed rows,
 * then the B random rows. CPU tensors, float32 or float64.
 */
torch::Tensor fusedFullLoss(const torch::Tensor& logitsStacked, const torch::Tensor& classIds,
                            double lambda, bool maxEntropy);

} // namespace geoinr::core
