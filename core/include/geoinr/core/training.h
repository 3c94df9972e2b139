// SPDX-License-Identifier: MIT
// Presence-only training of a RangeModel (SINR, science.md §4), torch-free interface: data comes in
// as plain buffers prepared by rasters/ (occurrences, covariates) and a checkpoint comes out.
#pragma once

#include <geoinr/core/distributed.h>
#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::core
{

/** Presence records: one row per (location, species). */
struct TrainingSet
{
    std::vector<std::string> speciesNames; ///< class id = index
    std::vector<std::int32_t> classIds;    ///< [N]
    std::vector<float> lonLat;             ///< [N x 2] degrees
    std::vector<float> env; ///< [N x envNames.size()] normalised covariates, or empty
    std::vector<std::string> envNames;
    std::size_t size() const { return classIds.size(); }
};

/** A finite pool of pseudo-absence locations (e.g. disdat's background.csv), with covariates. */
struct BackgroundSet
{
    std::vector<float> lonLat; ///< [M x 2]
    std::vector<float> env;    ///< [M x C] normalised, or empty
    std::size_t size() const { return lonLat.size() / 2; }
};

/**
 * Covariates resampled on a regular lon/lat grid, for sampling at random locations during training.
 * values is [channels x height x width], normalised, NaN where there is no data. Row 0 is the north
 * edge: pixel (r, c) covers lon west + c*res .. west + (c+1)*res, lat north - r*res .. - (r+1)*res.
 */
struct EnvGridData
{
    std::int64_t width = 0, height = 0, channels = 0;
    double west = -180.0, north = 90.0, resolution = 1.0;
    std::vector<float> values;
    /** Optional [height x width] 0/1: cells where valid_area pseudo-absences may be drawn (e.g. a
     *  user's mask raster); empty = every cell with data. */
    std::vector<std::uint8_t> drawMask;
};

/** Where pseudo-absences come from (science.md §4.1, issue "presence-only training"). */
enum class PseudoAbsenceKind
{
    Sphere,      ///< uniform on the sphere (SINR)
    ValidArea,   ///< uniform (by area) over the grid cells with data, or the given extent
    TargetGroup, ///< locations of other records (all species' presences)
    Background   ///< drawn from a given BackgroundSet
};

struct TrainOptions
{
    /** RangeModel configuration without num_classes / num_env_features (filled from the data). */
    nlohmann::json model = {{"input", "coords"},
                            {"encoder", {{"name", "wrap"}}},
                            {"network", {{"name", "residual_fcnet"}}}};
    std::string loss = "an_full";
    double positiveWeight = 2048.0;
    PseudoAbsenceKind pseudoAbsences = PseudoAbsenceKind::Sphere;
    /** Optional [lon_min, lon_max, lat_min, lat_max] restricting Sphere / ValidArea draws. */
    std::vector<double> pseudoAbsenceExtent;
    int epochs = 10;
    std::int64_t batchSize = 2048;
    double learningRate = 5e-4;
    double lrDecay = 0.98; ///< ExponentialLR gamma, stepped once per epoch
    /** "exponential" (SINR: lr * lrDecay^epoch), "cosine" (lr * (1 + cos(pi e / E)) / 2) or
     *  "constant". */
    std::string lrSchedule = "exponential";
    double weightDecay = 0.0;
    std::int64_t capPerSpecies = -1; ///< keep at most this many records per species (-1 = all)
    std::uint64_t seed = 0;
    std::string device = "cpu";
    int threads = 0;            ///< LibTorch intra-op threads; 0 = leave LibTorch's setting
    std::string checkpointPath; ///< written at the end, and when cancelled (resumable)
    std::string resumeFrom;     ///< a checkpoint written by a cancelled run
    /** A pretrained checkpoint (`geoinr pretrain`, pretraining.h): its encoder and network trunk
     *  weights initialise this model where names and shapes match; the species head is new. */
    std::string initFrom;
    bool freezePretrained = false; ///< the weights copied from initFrom are not trained
    /** Data-parallel training: `data` is then this rank's shard (shardRange of the records, in
     *  order); gradients are all-reduced so every rank holds the same weights; rank 0 writes. */
    DistributedOptions distributed;
    nlohmann::json metadata = nlohmann::json::object(); ///< stored in the checkpoint
};

struct TrainReport
{
    int epochsCompleted = 0;
    std::int64_t stepsCompleted = 0;
    double finalLoss = 0.0;        ///< mean loss of the last epoch run
    double samplesPerSecond = 0.0; ///< presence records per second over the run
    double seconds = 0.0;
    bool cancelled = false;       ///< a resumable checkpoint was written
    std::int64_t recordsUsed = 0; ///< after the per-species cap
};

/**
 * Trains and writes options.checkpointPath. When the progress sink cancels, writes a resumable
 * checkpoint (if a path is set) and returns with cancelled = true; resuming from it reaches the
 * same weights as an uninterrupted run (same seed, same threads, CPU). Throws InvalidArgument for
 * bad options (naming the option) and data that does not fit the model.
 */
TrainReport trainRangeModel(const TrainingSet& data, const TrainOptions& options,
                            const BackgroundSet* background = nullptr,
                            const EnvGridData* envGrid = nullptr,
                            const ProgressSink& progress = {});

/**
 * Threshold rules that training stores in a checkpoint (metadata.thresholds, one value per
 * species): "mtp" (minimum training presence), "presence_95" (keeps 95 % of the training
 * presences), "presence_90" and "max_tss" (maximum sensitivity + specificity against
 * pseudo-absences).
 */
const std::vector<std::string>& storedThresholdRules();

/** The loss names GeoINR accepts, SINR's spelling: an_full, an_ssdl, an_slds, me_full, me_ssdl,
 *  me_slds, gp. */
const std::vector<std::string>& presenceOnlyLossNames();

/** "sphere", "valid_area", "target_group", "background" -> kind; InvalidArgument otherwise. */
PseudoAbsenceKind parsePseudoAbsenceKind(const std::string& name);
std::string pseudoAbsenceKindName(PseudoAbsenceKind kind);

} // namespace geoinr::core
