// SPDX-License-Identifier: MIT
// Linear layers for training: float32 GEMMs through oneDNN's AVX-512 sgemm when GeoINR was built
// with it, LibTorch's own (BLAS) path otherwise.
#pragma once

#include <torch/torch.h>

namespace geoinr::core::networks
{

/**
 * y = x W^T (+ b), as torch::nn::Linear. While gradients are recorded for a CPU float32 layer, the
 * forward and both backward products run through oneDNN (see trainingGemmLibrary()); inference,
 * other dtypes and devices take LibTorch's path, so predictions keep their bit-for-bit guarantees.
 */
torch::Tensor linear(const torch::Tensor& x, torch::nn::LinearImpl& layer);
inline torch::Tensor linear(const torch::Tensor& x, const torch::nn::Linear& layer)
{
    return linear(x, *layer.ptr());
}

/** Whether `linear(x, layer)` takes the oneDNN path (fused training kernels check the same). */
bool trainingGemmApplies(const torch::Tensor& x, const torch::nn::LinearImpl& layer);

// The three products of a Linear layer with oneDNN, for fused training kernels: contiguous CPU
// float32 matrices, only where trainingGemmApplies() returned true (they throw otherwise). Where
// `init` is given, the product is added onto a copy of it (e.g. a broadcast bias).

/** x W^T (+ init): the layer's output, [rows x out] from x [rows x in] and W [out x in]. */
torch::Tensor linearOutput(const torch::Tensor& x, const torch::Tensor& w,
                           const torch::Tensor& init = {});

/** g W (+ init): the gradient at the layer's input, [rows x in]. */
torch::Tensor linearInputGrad(const torch::Tensor& g, const torch::Tensor& w,
                              const torch::Tensor& init = {});

/** g^T x: the gradient of W, [out x in]. */
torch::Tensor linearWeightGrad(const torch::Tensor& g, const torch::Tensor& x);

} // namespace geoinr::core::networks
