// SPDX-License-Identifier: MIT
// Paired (location, feature vector) data for contrastive pretraining (core/pretraining.h): random
// valid locations on a raster stack with their z-scored values, or a table of precomputed vectors.
#pragma once

#include <geoinr/core/pretraining.h>
#include <geoinr/rasters/covariates.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace geoinr::rasters
{

struct PretrainingInputOptions
{
    /** Rasters or folders of GeoTIFFs (e.g. WorldClim bio1..bio19); exclusive with `table`. */
    std::vector<std::string> rasters;
    std::vector<std::string> categorical; ///< raster covariates to one-hot
    /** CSV/TSV with lon and lat columns (auto-detected names) and one numeric column per
     *  feature (every other column). */
    std::string table;
    /** Raster locations: drawn uniformly by area among the pixels valid in every layer. */
    std::int64_t locations = 100000;
    std::uint64_t seed = 0;
    Resampling resampling = Resampling::Bilinear;
};

struct PretrainingInputs
{
    core::PretrainingSet data; ///< features z-scored per column
    /** How the features were made: {"kind": "rasters", "covariates": CovariateStack::describe()}
     *  or {"kind": "table", "path", "features", "normalisation": {"mean", "std"}}. */
    nlohmann::json features;
    nlohmann::json summary; ///< {"source", "locations", "features", ...}
};

/** Throws InvalidArgument for bad options and IoError naming file and line for bad tables. */
PretrainingInputs preparePretrainingInputs(const PretrainingInputOptions& options,
                                           const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
