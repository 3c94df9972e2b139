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

/** The mask of probability p for `seed`. */
DropoutMask dropoutMask(double p, std::uint64_t seed);

/** Draws a mask as fastDropout does, so fused kernels reproduce its masks exactly. */
DropoutMask drawDropoutMask(double p);

/** 64 hash bits of elements 4q..4q+3 of a mask; element i uses bits 16 (i % 4) .. +15. */
inline std::uint64_t dropoutQuadBits(std::uint64_t seed, std::int64_t quad)
{
    return splitMix64(seed ^ static_cast<std::uint64_t>(quad));
}

/** factor[j] = scale where element first + j of `mask` is kept, else 0 (j < n). */
template <typename T>
void dropoutFactors(T* factor, std::int64_t first, std::int64_t n, const DropoutMask& mask)
{
    // Plain locals and loops: a hot loop of training (a version with lambdas measured 7x slower).
    const auto seed = mask.seed;
    const auto dropBelow = mask.dropBelow;
    const auto scale = static_cast<T>(mask.scale);
    std::int64_t j = 0;
    for (; j < n; ++j) // element by element up to a quad boundary, and for the tail
    {
        const auto e = first + j;
        if ((e & 3) == 0 && j + 4 <= n)
        {
            break;
        }
        const auto u =
            static_cast<std::uint32_t>((dropoutQuadBits(seed, e >> 2) >> (16 * (e & 3))) & 0xFFFFU);
        factor[j] = u >= dropBelow ? scale : T(0);
    }
    const auto quads = (n - j) / 4;
    for (std::int64_t q = 0; q < quads; ++q) // whole quads: one hash, four elements
    {
        const auto bits = dropoutQuadBits(seed, ((first + j) >> 2) + q);
        for (int k = 0; k < 4; ++k)
        {
            const auto u = static_cast<std::uint32_t>((bits >> (16 * k)) & 0xFFFFU);
            factor[j + 4 * q + k] = u >= dropBelow ? scale : T(0);
        }
    }
    for (j += 4 * quads; j < n; ++j)
    {
        const auto e = first + j;
        const auto u =
            static_cast<std::uint32_t>((dropoutQuadBits(seed, e >> 2) >> (16 * (e & 3))) & 0xFFFFU);
        factor[j] = u >= dropBelow ? scale : T(0);
    }
}

} // namespace geoinr::core::networks
