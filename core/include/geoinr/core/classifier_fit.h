// SPDX-License-Identifier: MIT
// Classification of locations on the sphere with any encoder + network: the land-ocean and
// checkerboard benchmarks of Russwurm et al. 2024 (science.md §5.7, §5.8). Torch-free interface
// so that rasters/ (land-ocean labels from polygons) and the CLI can build and run tasks.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::core
{

/** Points with one class label each; lonLat is interleaved (lon0, lat0, lon1, ...) in degrees. */
struct LabelledPoints
{
    std::vector<double> lonLat;
    std::vector<std::int64_t> labels;

    std::size_t size() const { return labels.size(); }
};

/** Train, validation (early stopping) and test sets of one task. */
struct ClassificationTask
{
    std::string name;
    LabelledPoints train;
    LabelledPoints validation;
    LabelledPoints test;
    std::int64_t numClasses = 2; ///< 2: one logit with BCE (as [SH]); more: softmax + CE
};

/**
 * n spherical-uniform points exactly as NumPy's RandomState(seed).normal(size=(3, n)) normalised
 * to the sphere (locationencoder's sampler, science.md §5.7), interleaved lon/lat degrees.
 */
std::vector<double> sphericalUniformLonLat(std::int64_t n, std::uint32_t seed);

/**
 * [SH] checkerboard (science.md §5.8): support = Fibonacci lattice of numSupport points labelled
 * i mod numClasses; train/validation = numSamples spherical-uniform points (seeds 0, 1); test =
 * a Fibonacci lattice of numTest points; each point takes its nearest support point's label.
 */
ClassificationTask checkerboardTask(std::int64_t numSupport = 200, std::int64_t numClasses = 16,
                                    std::int64_t numSamples = 10000, std::int64_t numTest = 10000);

struct ClassifierFitOptions
{
    nlohmann::json encoder = {{"name", "spherical_harmonics"}, {"L", 10}};
    nlohmann::json network = {{"name", "siren"}, {"hidden_dim", 64}, {"num_layers", 2}};
    int maxEpochs = 500;
    /** Stop when the validation loss has not decreased for this many epochs (0: never). */
    int patience = 30;
    std::int64_t batchSize = 2000;
    double learningRate = 1e-3;
    /** Adam's L2 weight decay on the network (not on learned encoder parameters), as [SH]. */
    double weightDecay = 0.0;
    std::uint64_t seed = 0;
    std::string device = "cpu";
    /** Train and score in float64, as [SH]'s Lightning runs (precision=64). */
    bool doublePrecision = false;
};

struct ClassifierFitResult
{
    double trainAccuracy = 0.0;
    double testAccuracy = 0.0;
    /** Binary tasks: Jaccard index of class 1; multi-class: macro mean over the classes present
     *  in the labels or the predictions (sklearn's jaccard_score). */
    double testIoU = 0.0;
    double bestValidationLoss = 0.0;
    double finalTrainLoss = 0.0;
    int epochs = 0;
    std::int64_t encoderDim = 0;
    std::int64_t numParameters = 0;
    std::vector<std::int64_t> testPredictions; ///< predicted class per test point
    nlohmann::json modelConfig;
};

/**
 * Trains with Adam (mini-batches shuffled each epoch from `seed`), early-stops on the validation
 * loss and scores the final model on the test set. The model's weights are those of the last
 * epoch, as Lightning's EarlyStopping leaves them in [SH]'s train.py.
 */
ClassifierFitResult fitClassifier(const ClassificationTask& task,
                                  const ClassifierFitOptions& options,
                                  const ProgressSink& progress = {});

/** Accuracy of `predicted` against `truth` per latitude band of `bandDeg` degrees (NaN where a
 *  band has no point): [SH]'s "longitudinal accuracy" plot, as numbers. */
std::vector<double> accuracyByLatitude(const LabelledPoints& truth,
                                       const std::vector<std::int64_t>& predicted,
                                       double bandDeg = 10.0);

/** Jaccard index as described for ClassifierFitResult::testIoU. */
double jaccardIndex(const std::vector<std::int64_t>& truth,
                    const std::vector<std::int64_t>& predicted, std::int64_t numClasses);

} // namespace geoinr::core
