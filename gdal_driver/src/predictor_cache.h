// SPDX-License-Identifier: MIT
// Process-wide sharing of loaded models: QGIS opens one dataset per rendering thread and per layer
// refresh; they share one GridPredictor (thread-safe) instead of loading the checkpoint each time.
#pragma once

#include <geoinr/rasters/grid_predictor.h>

#include <memory>
#include <string>

namespace geoinr::gdal_driver
{

/**
 * The GridPredictor for (checkpoint, options), loaded on first use and kept while any dataset
 * holds it. A checkpoint rewritten on disk (new size or modification time) is loaded again.
 * Throws what GridPredictor throws.
 */
std::shared_ptr<const rasters::GridPredictor>
sharedPredictor(const std::string& checkpoint, const rasters::GridPredictorOptions& options);

} // namespace geoinr::gdal_driver
