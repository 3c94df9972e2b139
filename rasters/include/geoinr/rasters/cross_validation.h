// SPDX-License-Identifier: MIT
// k-fold cross-validation of a training configuration (ENMeval-style): presence records are split
// into folds (random, spatial blocks or a user column); each fold is held out once, a model is
// trained on the others with the options of `geoinr train`, and the held-out presences are scored
// against background points (Boyce, omission, AUC), optionally also at presence-absence sites.
#pragma once

#include <geoinr/core/progress.h>
#include <geoinr/core/training.h>
#include <geoinr/rasters/occurrences.h>
#include <geoinr/rasters/training_inputs.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::rasters
{

/** How presence records are split into folds. */
struct FoldSpec
{
    enum class Kind
    {
        Random, ///< core::randomKFolds
        Blocks, ///< core::spatialBlockFolds (whole lon/lat blocks per fold)
        Column  ///< the fold ids a column of the occurrence file holds
    };
    Kind kind = Kind::Random;
    int k = 5;                 ///< Random and Blocks
    double blockSizeDeg = 0.0; ///< Blocks
    std::string column;        ///< Column
    std::string text;          ///< the specification as given
};

/**
 * "random:K", "blocks:SIZE_DEG[:K]" (K = 5 when omitted) or "column:NAME". Throws InvalidArgument
 * naming --folds and the accepted forms (K must be an integer >= 2, SIZE_DEG > 0).
 */
FoldSpec parseFoldSpec(const std::string& text);

/** A fold id (0..labels.size()-1) per record and a label per fold. */
struct FoldAssignment
{
    std::vector<int> fold;
    std::vector<std::string> labels; ///< "1".."K", or the column's values (sorted numerically)
};

/**
 * Folds of `records` (lon/lat per record) by `spec`; `columnValues` holds the fold column per
 * record for Kind::Column (a numeric column: each distinct value is one fold, in ascending order).
 * Deterministic for a seed. Throws InvalidArgument naming `source` and the field: a missing fold
 * value, fewer than 2 folds, more folds than records, fewer non-empty blocks than folds.
 */
FoldAssignment assignFolds(const FoldSpec& spec, const OccurrenceTable& records,
                           const std::vector<double>& columnValues, std::uint64_t seed,
                           const std::string& source);

struct CrossValidationOptions
{
    /** What `geoinr train` reads (occurrences, covariates, background, thinning, ...). Thinning
     *  is applied once before the split; sharding is not supported. */
    TrainingInputOptions inputs;
    /** What `geoinr train` trains with; checkpointPath, resumeFrom and distributed are ignored.
     *  seed also drives the fold assignment and the random background points. */
    core::TrainOptions train;
    std::string folds = "random:5"; ///< parseFoldSpec
    /** Optional presence-absence site table (disdat test_pa.csv layout, see
     *  PresenceAbsenceOptions::sites) with a column per species of the occurrences. */
    std::string sites;
    /** Folder to keep each fold's checkpoint in (fold_<k>.ckpt); "" = a temporary folder,
     *  removed at the end. */
    std::string keepCheckpoints;
    /** Random background points when inputs.backgroundFile is empty (see
     *  PresenceOnlyOptions::backgroundPoints; the box of coordinate-only models is
     *  train.pseudoAbsenceExtent when set, else that of all presences). */
    std::size_t backgroundPoints = 10000;
};

/**
 * Runs the cross-validation. For each fold: the other folds' records are written (WGS84, raw
 * covariates) to a temporary CSV that prepareTrainingInputs reads with the options of `inputs`
 * (so normalisation and categorical levels come from the training folds only), a model is trained
 * with `train`, and scored with scorePresenceOnly on the held-out presences (thresholds from the
 * training folds' presences) against the background (inputs.backgroundFile, else random points).
 * With `sites`: per species ROC-AUC and AP at its surveyed sites, and TSS and Cohen's kappa at
 * the max-TSS threshold of the training folds' presences against the background.
 *
 * Returns {"folds": K, "per_fold": [{fold, label, train_records, test_records, mean_boyce,
 * mean_auc, mean_or_mtp, mean_or_10p, sites: {...}, per_species, seconds}], "summary": {metric:
 * {mean, sd, folds}}, ...}; sd is the sample standard deviation over folds (n - 1).
 * Progress covers folds x epochs; cancelling throws geoinr::Cancelled.
 */
nlohmann::json crossValidate(const CrossValidationOptions& options,
                             const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
