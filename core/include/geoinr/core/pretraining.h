// SPDX-License-Identifier: MIT
// Contrastive pretraining of a location encoder (SatCLIP, Klemmer et al. 2024) against a feature
// vector observed at each location (e.g. WorldClim bio1..bio19: "contrastive location-environment
// pretraining"). Torch-free interface: plain buffers in, a checkpoint out.
//
// The location side is a RangeModel (encoder + network) whose head produces the embedding
// (num_classes = embedding size), so the checkpoint loads, predicts and describes itself like any
// other; `geoinr train --init-from` copies its encoder and network trunk. The feature side (an MLP
// over the feature vector), the logit scale and, while unfinished, the optimiser state travel as
// extra tensors; metadata.pretraining describes the run.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::core
{

/** Paired data: one feature vector per location. */
struct PretrainingSet
{
    std::vector<float> lonLat;             ///< [N x 2] degrees
    std::vector<float> features;           ///< [N x K] normalised, finite
    std::vector<std::string> featureNames; ///< K
    std::size_t size() const { return lonLat.size() / 2; }
};

struct PretrainOptions
{
    /** Location side: RangeModel configuration without num_classes (= embeddingDim); its input
     *  must be "coords". Default: SatCLIP's L = 10 model (pretrainPresetModel("l10")). */
    nlohmann::json model;
    std::int64_t embeddingDim = 256;
    /** Feature side: a GeoINR network {"name": ...} mapping K features to embeddingDim. */
    nlohmann::json featureNetwork = {{"name", "mlp"}, {"hidden_dim", 256}, {"num_layers", 1}};
    int epochs = 50;
    std::int64_t batchSize = 8192;    ///< locations per step (the B of the B x B similarities)
    double learningRate = 1e-4;       ///< Adam, constant (SatCLIP)
    double weightDecay = 0.0;         ///< L2 on every parameter but the logit scale
    double initialTemperature = 0.07; ///< logit scale starts at log(1 / T) (CLIP)
    double maxLogitScale = 100.0;     ///< exp(logit scale) is clamped here after each step (CLIP)
    std::uint64_t seed = 0;
    std::string device = "cpu";
    int threads = 0;            ///< LibTorch intra-op threads; 0 = leave LibTorch's setting
    std::string checkpointPath; ///< written at the end, and when cancelled (resumable)
    std::string resumeFrom;     ///< a checkpoint written by a cancelled run
    nlohmann::json metadata = nlohmann::json::object(); ///< stored in the checkpoint
};

struct PretrainReport
{
    int epochsCompleted = 0;
    std::int64_t stepsCompleted = 0; ///< steps run by this call (not counting resumed ones)
    double finalLoss = 0.0;          ///< mean InfoNCE loss of the last epoch run
    double firstLoss = 0.0;          ///< loss of the first step run
    double logitScale = 0.0;         ///< exp(logit scale) at the end
    double samplesPerSecond = 0.0;
    double seconds = 0.0;
    bool cancelled = false; ///< a resumable checkpoint was written
};

/** SatCLIP's location encoders: "l10" / "l40" = spherical harmonics L = 10 / 40 -> SIREN (256
 *  wide, 2 sine layers). Throws InvalidArgument for other names. */
nlohmann::json pretrainPresetModel(const std::string& preset);
/** "l10", "l40". */
const std::vector<std::string>& pretrainPresetNames();

/**
 * Pretrains and writes options.checkpointPath. When the progress sink cancels, writes a resumable
 * checkpoint (if a path is set) and returns with cancelled = true; resuming from it (same data,
 * seed and batch size) reaches the same weights as an uninterrupted run on the CPU. Throws
 * InvalidArgument naming the option for bad options or data.
 */
PretrainReport pretrainLocationEncoder(const PretrainingSet& data, const PretrainOptions& options,
                                       const ProgressSink& progress = {});

/**
 * CLIP's symmetric InfoNCE on plain buffers: a = [n x d] location embeddings, b = [n x d] feature
 * embeddings; rows are L2-normalised, logits = exp(logScale) * a b^T, and the loss is the mean of
 * the cross-entropies of the rows and of the columns against the diagonal.
 */
double infoNceLoss(const std::vector<float>& a, const std::vector<float>& b, std::int64_t n,
                   std::int64_t d, double logScale);

} // namespace geoinr::core
