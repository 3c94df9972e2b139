// SPDX-License-Identifier: MIT
// Presence-only evaluation of a checkpoint as the R SDM tools do it (ENMeval's k-fold statistics,
// ecospat's Boyce index): test presences against background points, with omission rates at
// thresholds taken from training presences. Covariates are rebuilt from the checkpoint (rasters
// or table columns), as for the presence-absence evaluation.
#pragma once

#include <geoinr/core/predictor.h>
#include <geoinr/core/progress.h>
#include <geoinr/rasters/occurrences.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace geoinr::rasters
{

struct PresenceOnlyOptions
{
    std::string checkpoint;
    std::string presences; ///< test presences: any file readOccurrences accepts, with species
    /** Training presences (optional): the MTP and 10th-percentile thresholds are computed from
     *  the model's scores there. Without it, the thresholds the checkpoint stores are used. */
    std::string train;
    /** How to read the presence, training and background files (species, lon/lat columns, CRS,
     *  skipInvalid). covariateColumns is filled from the checkpoint (table models). */
    OccurrenceOptions occurrenceOptions;
    /** Background points (e.g. disdat's background.csv; its species column is ignored). With
     *  table covariates it must hold the model's raw covariate columns. */
    std::string background;
    /** Without a background file: this many random points, in the covariate rasters' valid area
     *  (raster models) or uniform on the sphere in the lon/lat box of the presences (test and
     *  training; coordinate-only models). Table models need a background file. */
    std::size_t backgroundPoints = 10000;
    std::uint64_t seed = 0; ///< of the random background points
};

/** One species' presence-only statistics. Scores are probabilities (sigmoid of the logit). */
struct SpeciesPresenceOnlyScores
{
    std::string species;
    std::size_t testPresences = 0;  ///< with covariates
    std::size_t trainPresences = 0; ///< with covariates (0 when thresholds are stored ones)
    double boyce = 0.0;             ///< continuous Boyce index (fit = background + test)
    double auc = 0.0;               ///< test presences vs background (ENMeval's auc.val)
    double omissionMtp = 0.0;       ///< fraction of test presences below thresholdMtp
    double omission10p = 0.0;       ///< fraction of test presences below threshold10p
    double thresholdMtp = 0.0;      ///< minimum training presence score
    double threshold10p = 0.0;      ///< keeps 90 % of the training presences
    double thresholdMaxTss = 0.0;   ///< max TSS of training presences vs background
};

/** Per-species statistics and the counts behind them. */
struct PresenceOnlyScores
{
    std::vector<SpeciesPresenceOnlyScores> species; ///< species with >= 1 usable test presence
    std::string thresholdSource; ///< where the MTP / 10p / max-TSS thresholds come from
    std::size_t speciesWithoutTestPresences = 0; ///< species of the model, not evaluated
    std::size_t testRecords = 0;
    std::size_t testRecordsUnknownSpecies = 0; ///< species the model does not have
    std::size_t testRecordsWithoutCovariates = 0;
    std::size_t trainRecords = 0;
    std::size_t backgroundPoints = 0; ///< used (with covariates)
    std::size_t backgroundWithoutCovariates = 0;
    /** The max-TSS threshold of every species of the model (predictor order, NaN when
     *  undefined): for scoring presence-absence sites with thresholds chosen without them. */
    std::vector<double> maxTssThresholds;

    /** {"protocol", "mean_boyce", "mean_auc", "mean_or_mtp", "mean_or_10p",
     *  "species_evaluated", counts, "per_species": [...]}; undefined values are null. */
    nlohmann::json toJson() const;
};

/** What a report draws of one evaluated species (probabilities; lon/lat in degrees). */
struct PresenceOnlySpeciesDetail
{
    const SpeciesPresenceOnlyScores& stats;
    const std::vector<double>& testScores; ///< at its usable test presences
    const std::vector<double>& testLon;    ///< of those presences
    const std::vector<double>& testLat;
    const std::vector<double>& backgroundScores; ///< at the usable background points
    const std::vector<double>& backgroundLon;    ///< of those points (same for every species)
    const std::vector<double>& backgroundLat;
};

/** Called once per evaluated species, in model order (e.g. to collect a report's figures). */
using PresenceOnlySpeciesSink = std::function<void(const PresenceOnlySpeciesDetail&)>;

/**
 * Scores `predictor` per species on `test` presences (species matched by name) against
 * `background`: continuous Boyce index with fit = background scores + the species' test scores
 * (as ENMeval calls ecospat.boyce), ROC-AUC of the test presences vs the background, and the
 * omission rates at the minimum-training-presence and 10th-percentile thresholds. The thresholds
 * come from the model's scores at the species' presences in `train` when given, else from the
 * checkpoint's metadata.thresholds ("mtp", "presence_90", "max_tss"), else they and the omission
 * rates are NaN. Points without covariates are skipped and counted. `test`, `train` and
 * `background` carry the raw table covariates a table model needs (tableCovariateColumns).
 * Throws InvalidArgument when no background point has covariates.
 */
PresenceOnlyScores scorePresenceOnly(const core::Predictor& predictor, const OccurrenceTable& test,
                                     const OccurrenceTable* train,
                                     const OccurrenceTable& background,
                                     const PresenceOnlySpeciesSink& onSpecies = {});

/**
 * `n` random background points for a model with covariate description `checkpointCovariates`:
 * raster models draw them on pixels valid in every layer (CovariateStack::randomValidPoints),
 * coordinate-only models uniformly on the sphere in `lonLatBox` = {west, east, south, north}
 * (degrees; east < west crosses the antimeridian). Deterministic for a seed. Table models throw
 * InvalidArgument (random points have no table values: give background points).
 */
OccurrenceTable randomBackgroundPoints(const nlohmann::json& checkpointCovariates, std::size_t n,
                                       std::uint64_t seed, const std::vector<double>& lonLatBox);

/** {west, east, south, north} of the points of `tables` (InvalidArgument when all are empty). */
std::vector<double> lonLatBox(const std::vector<const OccurrenceTable*>& tables);

/**
 * Reads the files of `options`, scores with scorePresenceOnly and returns its JSON with the file
 * names added. Throws IoError / InvalidArgument naming the file and field.
 */
nlohmann::json evaluatePresenceOnly(const PresenceOnlyOptions& options,
                                    const core::ProgressSink& progress = {},
                                    const PresenceOnlySpeciesSink& onSpecies = {});

} // namespace geoinr::rasters
