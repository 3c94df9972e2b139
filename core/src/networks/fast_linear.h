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

/**
 * Row-major C[m x n] = op(A) op(B) + beta C with oneDNN on all cores (op: 'N' or 'T'). Only valid
 * where trainingGemmApplies() returned true; throws otherwise.
 */
void trainingSgemm(char transA, char transB, std::int64_t m, std::int64_t n, std::int64_t k,
                   const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
                   float* c, std::int64_t ldc);

} // namespace geoinr::core::networks
