// SPDX-License-Identifier: MIT
// Range-map evaluation (SINR's IUCN protocol, science.md §5.4): a model's logits on the centres of
// a global lon/lat grid scored against expert range cells, per-species AP and ROC-AUC, and MAP.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <string>

namespace geoinr::rasters
{

struct RangeEvaluationOptions
{
    std::string checkpoint;
    /** CSV with species, lon, lat columns: the centres of the cells inside each expert range. */
    std::string rangeCells;
    double cellSizeDeg = 0.5; ///< grid aligned on (-180, -90)
    /** Optional lon/lat raster: only cells whose footprint holds at least one valid pixel of it
     *  are evaluated (e.g. WorldClim, so that open ocean is left out). Empty: every cell. */
    std::string maskRaster;
};

/**
 * Returns {"map", "mean_auc", "species_evaluated", "cells_evaluated", "per_species": [{species,
 * positives, ap, auc}], settings...}. AP is tie-aware (one step per distinct score); scores are
 * logits. Species of the model without range cells are skipped and counted.
 */
nlohmann::json evaluateRanges(const RangeEvaluationOptions& options,
                              const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
