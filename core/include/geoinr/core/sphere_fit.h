// SPDX-License-Identifier: MIT
// Fitting a known function on the sphere (the checkerboard task of Russwurm et al. 2024) with any
// encoder + network: the smallest end-to-end training job, used by the demo, tests and
// `geoinr sphere-fit`. Torch-free interface.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace geoinr::core
{

struct SphereFitOptions
{
    nlohmann::json encoder = {{"name", "spherical_harmonics"}, {"L", 15}};
    nlohmann::json network = {{"name", "siren"}, {"hidden_dim", 128}, {"num_layers", 1}};
    std::int64_t numSupport = 200; ///< checkerboard cells (Fibonacci lattice points)
    std::int64_t numClasses = 16;
    std::int64_t numSamples = 10000; ///< training points (spherical uniform, seed 0)
    std::int64_t numTest = 10000;    ///< Fibonacci-lattice test points
    int epochs = 200;
    std::int64_t batchSize = 2000;
    double learningRate = 3e-3;
    double weightDecay = 0.0;
    std::uint64_t seed = 0;
    std::string device = "cpu"; ///< "cpu" or "cuda"
};

struct SphereFitResult
{
    double trainAccuracy = 0.0;
    double testAccuracy = 0.0;
    double finalLoss = 0.0;
    std::int64_t encoderDim = 0;
    std::int64_t numParameters = 0;
    nlohmann::json modelConfig; ///< resolved configuration of the trained model
};

/** Trains with Adam and cross-entropy, then scores accuracy on the test lattice. */
SphereFitResult runSphereFit(const SphereFitOptions& options, const ProgressSink& progress = {});

} // namespace geoinr::core
