// SPDX-License-Identifier: MIT
// Private to rasters/: a checkpoint's predictions at arbitrary points (sites, presences,
// background), with the covariates it was trained on rebuilt from its header. Shared by the
// presence-absence, presence-only and cross-validation evaluations.
#pragma once

#include <geoinr/core/predictor.h>
#include <geoinr/core/progress.h>
#include <geoinr/rasters/occurrences.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::rasters::detail
{

/** Raw table column of one-hot feature "col=level", or the feature itself. */
std::string baseColumn(const std::string& feature);

/**
 * Normalised model inputs at the points of `sites` from a checkpoint's covariate description
 * (metadata.covariates): rasters are reopened and sampled, table covariates are looked up by raw
 * column name in sites.covariateNames (InvalidArgument naming a missing column). [n x features],
 * NaN where a value is missing; empty for a coordinate-only model.
 */
std::vector<float> siteCovariates(const nlohmann::json& covariates, const OccurrenceTable& sites);

/** Logits of every species at the points, and whether each point has all its inputs. */
struct SitePredictions
{
    std::vector<float> logits; ///< [points x species]
    std::vector<std::uint8_t> usable;
};

SitePredictions predictAtSites(const core::Predictor& predictor, const OccurrenceTable& sites,
                               const core::ProgressSink& progress = {});

/** The checkpoint's metadata.covariates ({"kind": "none"} for an old or coordinate-only one). */
nlohmann::json checkpointCovariates(const core::Predictor& predictor);

} // namespace geoinr::rasters::detail
