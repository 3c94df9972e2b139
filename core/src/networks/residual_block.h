// SPDX-License-Identifier: MIT
// The training pass of SINR's residual block as one autograd node: two oneDNN GEMMs, each followed
// by a single fused element-wise pass (bias, ReLU, dropout, residual add), instead of seven
// LibTorch ops forward and as many backward over [batch x width] tensors.
#pragma once

#include <torch/torch.h>

namespace geoinr::core::networks
{

/** Whether fusedResidualBlock() can run for this input (a training pass on oneDNN GEMMs). */
bool fusedResidualBlockApplies(const torch::Tensor& x, const torch::nn::LinearImpl& w1,
                               const torch::nn::LinearImpl& w2);

/**
 * x + ReLU(W2 Dropout_p(ReLU(W1 x + b1)) + b2), with fastDropout's masks (same seed draw, same
 * hash), so it equals the unfused block to float rounding. p = 0 means no dropout.
 */
torch::Tensor fusedResidualBlock(const torch::Tensor& x, torch::nn::LinearImpl& w1,
                                 torch::nn::LinearImpl& w2, double p);

} // namespace geoinr::core::networks
