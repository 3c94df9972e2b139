// SPDX-License-Identifier: MIT
// Synthetic tasks on the sphere from Russwurm et al. 2024 (science.md §5.7, §5.8): samplers and
// the checkerboard classification task. Used by tests, the demo and the benchmark command.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace geoinr::core
{

/**
 * n spherical-uniform points as NumPy's RandomState(seed).normal(size=(3, n)) normalised to the
 * unit sphere (locationencoder's sampler), bit-exact: [n, 2] float64 (lon, lat) in degrees.
 */
torch::Tensor sphericalUniformNumpy(std::int64_t n, std::uint32_t seed);

/** Fibonacci lattice of n points (science.md §5.8): [n, 2] float64 (lon, lat) degrees. */
torch::Tensor fibonacciLattice(std::int64_t n);

/** Index of the nearest `support` point (haversine; first index on ties) for each point: [N]. */
torch::Tensor nearestSupport(const torch::Tensor& lonLatDeg, const torch::Tensor& supportLonLatDeg);

/** Checkerboard task: points and labels (int64 in [0, numClasses)). */
struct CheckerboardTask
{
    torch::Tensor trainLonLat, trainLabels;
    torch::Tensor valLonLat, valLabels;
    torch::Tensor testLonLat, testLabels;
    std::int64_t numClasses = 16;
};

/**
 * [SH] checkerboard: support = Fibonacci lattice of numSupport points labelled i mod numClasses;
 * train/val = numSamples spherical-uniform points (seeds 0, 1); test = Fibonacci lattice of
 * numTest points; each point takes its nearest support point's label.
 */
CheckerboardTask makeCheckerboard(std::int64_t numSupport = 200, std::int64_t numClasses = 16,
                                  std::int64_t numSamples = 10000, std::int64_t numTest = 10000);

} // namespace geoinr::core
