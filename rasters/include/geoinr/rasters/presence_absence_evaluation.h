// SPDX-License-Identifier: MIT
// Presence-absence evaluation (S&T / disdat style, science.md §5.2): per-species ROC-AUC and AP at
// surveyed sites, with the covariates the model was trained on rebuilt from its checkpoint.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <string>

namespace geoinr::rasters
{

struct PresenceAbsenceOptions
{
    std::string checkpoint;
    /**
     * Site table (CSV): lon/lat columns, the model's table covariates (raw values) when it was
     * trained on table columns, and one column per species with 1 (present), 0 (absent) or empty
     * (not surveyed: the site is skipped for that species). disdat's test_pa.csv has this layout.
     */
    std::string sites;
};

/**
 * Returns {"mean_auc", "mean_ap", "species_evaluated", "per_species": [{species, sites,
 * presences, auc, ap}], ...}. Species of the model without a column, or with a single class at
 * their surveyed sites, are skipped and counted.
 */
nlohmann::json evaluatePresenceAbsence(const PresenceAbsenceOptions& options,
                                       const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
