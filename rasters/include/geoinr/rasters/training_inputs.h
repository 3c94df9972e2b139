// SPDX-License-Identifier: MIT
// Turns user files (occurrences, covariate rasters or table columns, background points) into the
// plain buffers core's trainer takes, with the covariate description a checkpoint must carry.
#pragma once

#include <geoinr/core/training.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/occurrences.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace geoinr::rasters
{

struct TrainingInputOptions
{
    std::string occurrences; ///< CSV/TSV/OGR file of presence records
    OccurrenceOptions occurrenceOptions;
    double thinCellDeg = 0.0;                  ///< > 0: keep one record per species and cell
    std::vector<std::string> covariateRasters; ///< files or folders (GDAL rasters)
    std::vector<std::string> tableCovariates;  ///< numeric columns of the occurrence table
    std::vector<std::string> categorical;      ///< covariates (raster or table) to one-hot
    std::string backgroundFile;                ///< background points (same columns), optional
    /** Raster whose non-zero, non-nodata cells are where valid_area pseudo-absences may fall. */
    std::string pseudoAbsenceMask;
    Resampling resampling = Resampling::Bilinear; ///< covariates at presence/background points
    /** Resolution (degrees) of the lon/lat grid used to draw random pseudo-absences with
     *  covariates; 0 = 1/500 of the first raster's larger lon/lat side, at least 1 arc-minute. */
    double gridResolutionDeg = 0.0;
    /** Data-parallel training: keep only records core::shardRange(n, shardIndex, shardCount) of
     *  the usable records (after thinning; table covariates are normalised over all of them
     *  first), so each rank samples covariates for its own share only. */
    int shardIndex = 0;
    int shardCount = 1;
};

struct TrainingInputs
{
    core::TrainingSet data;
    core::BackgroundSet background; ///< empty unless a background file was given
    core::EnvGridData grid;         ///< channels = 0 unless covariate rasters were given
    /** {"kind": "none"|"rasters"|"table", "features": [...], ...}: stored in the checkpoint so
     *  prediction can rebuild the same inputs (raster description or table normalisation). */
    nlohmann::json covariates;
    /** Records read, skipped, thinned, dropped for missing covariates; species count. */
    nlohmann::json summary;
};

/** Reads and prepares everything; throws geoinr::IoError / InvalidArgument with file and line. */
TrainingInputs prepareTrainingInputs(const TrainingInputOptions& options,
                                     const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
