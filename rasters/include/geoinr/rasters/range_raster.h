// SPDX-License-Identifier: MIT
// Checkpoint -> range raster: per-species probabilities (or binary ranges) on any grid, written as
// a tiled, compressed GeoTIFF or COG, atomically (temporary file, then rename).
#pragma once

#include <geoinr/core/progress.h>

#include <limits>
#include <string>
#include <vector>

namespace geoinr::rasters
{

/** A target grid: CRS + extent + pixel size, or the grid of an existing raster. */
struct GridSpec
{
    std::string crs = "EPSG:4326"; ///< anything PROJ understands (EPSG code, WKT, PROJ string)
    std::vector<double> extent;    ///< [xmin, ymin, xmax, ymax] in crs units; empty = default
    double resolution = 0.0;       ///< pixel size in crs units; 0 = default
    std::string likeRaster;        ///< when set: copy CRS, extent and resolution from it
};

struct PredictRasterOptions
{
    std::string checkpoint;
    std::vector<std::string> species; ///< names; empty = every species of the model
    GridSpec grid;
    std::string output;           ///< .tif
    std::string format = "GTiff"; ///< GTiff or COG
    /** >= 0: write 0/1 ranges (Byte) with p >= threshold; < 0 (default): probabilities. */
    double threshold = -1.0;
    /** Write logits instead of probabilities (rank-based evaluation avoids float32 saturation). */
    bool logits = false;
    int blockSize = 256;
};

/**
 * Predicts every pixel centre (transformed to lon/lat) and writes one band per species (band
 * description = species name). Pixels outside the covariates' valid area are nodata. Without a
 * grid, the first covariate raster's extent at its training grid resolution is used (coordinate-
 * only models: the globe at 0.5 degrees). Throws IoError / InvalidArgument / Cancelled; nothing
 * is left at `output` unless it completes.
 */
void predictRangeRaster(const PredictRasterOptions& options,
                        const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
