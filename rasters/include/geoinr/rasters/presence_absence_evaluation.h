// SPDX-License-Identifier: MIT
// Presence-absence evaluation (S&T / disdat style, science.md §5.2): per-species ROC-AUC and AP at
// surveyed sites, with the covariates the model was trained on rebuilt from its checkpoint.
#pragma once

#include <geoinr/core/progress.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

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

/** The per-site scores behind the metrics, for figures (ROC curves, site maps). */
struct SiteScores
{
    std::vector<double> lon, lat; ///< every row of the site table, WGS84 degrees
    struct Species
    {
        std::string name;
        std::vector<std::size_t> rows;    ///< site rows scored for this species
        std::vector<std::uint8_t> labels; ///< per scored row: 1 present, 0 absent
        std::vector<double> logits;       ///< per scored row: the model's logit
    };
    std::vector<Species> species; ///< every species of the model, in the model's order
};

/**
 * Returns {"mean_auc", "mean_ap", "species_evaluated", "per_species": [{species, sites,
 * presences, auc, ap}], ...}. Species of the model without a column, or with a single class at
 * their surveyed sites, are skipped and counted. When `scores` is given it receives the labels
 * and logits the metrics were computed from.
 */
nlohmann::json evaluatePresenceAbsence(const PresenceAbsenceOptions& options,
                                       const core::ProgressSink& progress = {},
                                       SiteScores* scores = nullptr);

/**
 * Long-format survey records, as a GIS point layer holds them: one row per (site, species) with
 * 1 (present) or 0 (absent). The QGIS plugin's Evaluate algorithm fills this from a layer.
 */
struct SurveyRecords
{
    std::vector<std::string> species;  ///< per record
    std::vector<double> lon, lat;      ///< per record, WGS84 degrees
    std::vector<std::uint8_t> present; ///< per record, 1 or 0
    /** Raw values of tableCovariateColumns(...) per record ([n x names], NaN = missing); only
     *  models trained on table covariates need them. */
    std::vector<std::string> covariateNames;
    std::vector<double> covariates;
};

/** The raw table columns a model trained on table covariates needs at evaluation sites, from
 *  its checkpoint's metadata.covariates; empty for raster and coordinate-only models. */
std::vector<std::string> tableCovariateColumns(const nlohmann::json& checkpointCovariates);

/**
 * Per-species ROC-AUC and AP of `records` (same JSON as evaluatePresenceAbsence, with
 * "species_unknown_records": records of species the model does not have, skipped and counted).
 * Throws InvalidArgument for mismatched sizes or a missing table covariate.
 */
nlohmann::json evaluateSurveyRecords(const std::string& checkpoint, const SurveyRecords& records,
                                     const core::ProgressSink& progress = {});

} // namespace geoinr::rasters
