// SPDX-License-Identifier: MIT
// Dropout with a counter-based hash instead of LibTorch's per-element Bernoulli sampler, which took
// a third of a SINR training step on the CPU (45 ms of 150 ms at 1,000 species).
#pragma once

#include "../split_mix.h"

#include <torch/types.h>

#include <cstdint>

namespace geoinr::core::networks
{

/**
 * Inverted dropout: in training, each element is kept with probability 1 - p (to 1/65536) and
 * scaled by 1/(1 - p); identity otherwise. The mask comes from a hash of (seed, element index); the
 * seed is drawn from LibTorch's default generator, so torch::manual_seed makes it reproducible.
 * The mask is kept for the backward pass. CPU float tensors use the fast path; other devices fall
 * back to torch::dropout.
 */
torch::Tensor fastDropout(const torch::Tensor& x, double p, bool training);

/** One mask of fastDropout: its seed (one draw from LibTorch's default generator) and rule. */
struct DropoutMask
{
    std::uint64_t seed = 0;
    std::uint32_t dropBelow = 0; ///< element dropped where its 16 hash bits are below this
    double scale = 1.0;          ///< 1 / (1 - p) for kept elements
};

/** Draws a mask as fastDropout does, so fused kernels reproduce its masks exactly. */
DropoutMask drawDropoutMask(double p);

/** 64 hash bits of elements 4q..4q+3 of a mask; element i uses bits 16 (i % 4) .. +15. */
inline std::uint64_t dropoutQuadBits(std::uint64_t seed, std::int64_t quad)
{
    return splitMix64(seed ^ static_cast<std::uint64_t>(quad));
}

} // namespace geoinr::core::networks
