// SPDX-License-Identifier: MIT
// Fused element-wise passes of the residual block's training pass: CPU float32,
// row-major [rows x width], parallel over rows on LibTorch's intra-op threads.
#pragma once

#include <cstdint>

namespace geoinr::core::networks
{

struct DropoutMask;

/** Rows per parallel chunk: about 32k elements, LibTorch's own grain for element-wise ops. */
std::int64_t rowGrain(std::int64_t width);

/** y = Dropout(ReLU(y + b)) in place with fastDropout's mask (dropBelow 0: no dropout). */
void biasReluDropout(float* y, const float* b, std::int64_t rows, std::int64_t width,
                     const DropoutMask& mask);

/** y = ReLU(y + b) in place, out = x + y. */
void biasReluResidual(float* y, const float* b, const float* x, float* out, std::int64_t rows,
                      std::int64_t width);

/** out = activated > 0 ? g * scale : 0 over n elements (ReLU and dropout backward; out may be g).
 */
void maskedGradient(const float* g, const float* activated, float scale, float* out, std::int64_t n,
                    std::int64_t grain);

} // namespace geoinr::core::networks
