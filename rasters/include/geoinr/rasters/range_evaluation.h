// SPDX-License-Identifier: MIT
// Range-map evaluation (SINR's IUCN protocol, science.md §5.4): a model's logits on the centres of
// a global lon/lat grid scored against expert range cells, per-species AP and ROC-AUC, and MAP.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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
    /** Optional training occurrences (species, lon, lat): also score the discretised-grid
     *  baseline of the SINR paper (Berg et al. 2014): a cell's score for a species is the number of
     *  its records in the coarse grid cell (aligned on -180/-90) holding it, per size below. */
    std::string baselineOccurrences;
    std::vector<double> baselineCellSizesDeg = {0.5, 1.0, 2.0, 5.0, 10.0, 20.0};
};

/**
 * The scores behind the metrics, for figures: the evaluation grid, then one call per evaluated
 * species (global grids of many species do not fit in memory at once; keep what you draw).
 */
struct RangeScores
{
    std::int64_t gridWidth = 0, gridHeight = 0; ///< filled before the first onSpecies call
    double cellSizeDeg = 0.0;
    /** Evaluated cells as row * gridWidth + column; row 0 at 90 N, column 0 at 180 W. */
    std::vector<std::size_t> cells;
    /** Called in the model's species order with 1 for the cells in the species' range and the
     *  model's logits, both aligned with `cells`. */
    std::function<void(const std::string& species, const std::vector<std::uint8_t>& inRange,
                       const std::vector<double>& logits)>
        onSpecies;
};

/**
 * Returns {"map", "mean_auc", "species_evaluated", "cells_evaluated", "per_species": [{species,
 * positives, ap, auc}], settings...}. AP is tie-aware (one step per distinct score); scores are
 * logits. Species of the model without range cells are skipped and counted. `scores` (optional)
 * receives the grid and each evaluated species' labels and logits.
 */
nlohmann::json evaluateRanges(const RangeEvaluationOptions& options,
                              const core::ProgressSink& progress = {},
                              RangeScores* scores = nullptr);

} // namespace geoinr::rasters
