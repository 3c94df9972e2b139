// SPDX-License-Identifier: MIT
#include "site_predictions.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/occurrences.h>
#include <geoinr/rasters/presence_absence_evaluation.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace geoinr::rasters
{
namespace
{

/** One species' labels (1 present, 0 absent) and model scores at its surveyed sites. */
struct LabelledScores
{
    std::vector<std::uint8_t> labels;
    std::vector<double> scores;
};

/** AUC and AP per species with two classes, their means, and the count of the others. */
nlohmann::json scoreSpecies(const std::vector<std::string>& species,
                            const std::vector<LabelledScores>& perSpecies)
{
    nlohmann::json rows = nlohmann::json::array();
    std::vector<double> aucs, aps;
    std::size_t skipped = 0;
    for (std::size_t s = 0; s < species.size(); ++s)
    {
        const auto& [labels, scores] = perSpecies[s];
        const double auc = labels.empty() ? NAN : core::rocAuc(labels, scores);
        if (!std::isfinite(auc))
        {
            ++skipped; // a single class (or no site): neither metric is defined
            continue;
        }
        const double ap = core::averagePrecision(labels, scores);
        aucs.push_back(auc);
        aps.push_back(ap);
        rows.push_back({{"species", species[s]},
                        {"sites", labels.size()},
                        {"presences", std::count(labels.begin(), labels.end(), 1)},
                        {"auc", auc},
                        {"ap", ap}});
    }
    std::size_t evaluated = 0;
    const double meanAuc = core::meanOfDefined(aucs, &evaluated);
    return {{"protocol", "presence-absence sites: ROC-AUC (ties 1/2) and tie-aware AP of logits, "
                         "per species on its surveyed sites"},
            {"species_evaluated", evaluated},
            {"species_skipped", skipped},
            {"mean_auc", meanAuc},
            {"mean_ap", core::meanOfDefined(aps)},
            {"per_species", rows}};
}

} // namespace

std::vector<std::string> tableCovariateColumns(const nlohmann::json& checkpointCovariates)
{
    std::vector<std::string> columns;
    if (checkpointCovariates.value("kind", std::string("none")) != "table")
    {
        return columns;
    }
    for (const auto& f : checkpointCovariates.at("features").get<std::vector<std::string>>())
    {
        const auto base = detail::baseColumn(f);
        if (std::find(columns.begin(), columns.end(), base) == columns.end())
        {
            columns.push_back(base);
        }
    }
    return columns;
}

nlohmann::json evaluatePresenceAbsence(const PresenceAbsenceOptions& o,
                                       const core::ProgressSink& progress, SiteScores* scores)
{
    const auto predictor = core::Predictor::load(o.checkpoint);
    const auto& species = predictor->speciesNames();
    const auto baseColumns = tableCovariateColumns(
        predictor->header().at("metadata").value("covariates", nlohmann::json::object()));

    // Raw table covariates the model needs, then one column per species. Species columns are read
    // as covariates too (empty = NaN = not surveyed); a species of the model without a column is
    // an error naming that column.
    OccurrenceOptions read;
    read.singleSpecies = "site";
    read.speciesColumn = "";
    read.covariateColumns = baseColumns;
    read.covariateColumns.insert(read.covariateColumns.end(), species.begin(), species.end());
    const auto sites = readOccurrencesCsv(o.sites, read);
    const auto n = sites.size();
    const auto width = sites.covariateNames.size();
    const auto predicted = detail::predictAtSites(*predictor, sites, progress);

    std::vector<LabelledScores> perSpecies(species.size());
    std::vector<std::vector<std::size_t>> rows(scores != nullptr ? species.size() : 0);
    for (std::size_t s = 0; s < species.size(); ++s)
    {
        const auto col = baseColumns.size() + s;
        for (std::size_t i = 0; i < n; ++i)
        {
            const double v = sites.covariates[i * width + col];
            if (!std::isfinite(v) || predicted.usable[i] == 0)
            {
                continue; // not surveyed for this species, or no covariates there
            }
            perSpecies[s].labels.push_back(v != 0.0 ? 1 : 0);
            perSpecies[s].scores.push_back(predicted.logits[i * species.size() + s]);
            if (scores != nullptr)
            {
                rows[s].push_back(i);
            }
        }
    }
    if (scores != nullptr)
    {
        scores->lon = sites.lon;
        scores->lat = sites.lat;
        scores->species.clear();
        for (std::size_t s = 0; s < species.size(); ++s)
        {
            scores->species.push_back(
                {species[s], std::move(rows[s]), perSpecies[s].labels, perSpecies[s].scores});
        }
    }
    auto result = scoreSpecies(species, perSpecies);
    result["checkpoint"] = o.checkpoint;
    result["sites"] = o.sites;
    result["site_rows"] = n;
    return result;
}

nlohmann::json evaluateSurveyRecords(const std::string& checkpoint, const SurveyRecords& r,
                                     const core::ProgressSink& progress)
{
    const auto n = r.species.size();
    if (r.lon.size() != n || r.lat.size() != n || r.present.size() != n ||
        r.covariates.size() != n * r.covariateNames.size())
    {
        throw InvalidArgument(fmt::format(
            "survey records: {} species, {} lon, {} lat, {} labels, {} covariate values for {} "
            "columns; expected the same number of records everywhere",
            n, r.lon.size(), r.lat.size(), r.present.size(), r.covariates.size(),
            r.covariateNames.size()));
    }
    const auto predictor = core::Predictor::load(checkpoint);
    const auto& species = predictor->speciesNames();
    OccurrenceTable sites;
    sites.source = "survey records";
    sites.lon = r.lon;
    sites.lat = r.lat;
    sites.covariateNames = r.covariateNames;
    sites.covariates = r.covariates;
    const auto predicted = detail::predictAtSites(*predictor, sites, progress);

    std::map<std::string, std::size_t> index;
    for (std::size_t s = 0; s < species.size(); ++s)
    {
        index[species[s]] = s;
    }
    std::vector<LabelledScores> perSpecies(species.size());
    std::size_t unknown = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto it = index.find(r.species[i]);
        if (it == index.end())
        {
            ++unknown;
            continue;
        }
        if (predicted.usable[i] == 0)
        {
            continue;
        }
        perSpecies[it->second].labels.push_back(r.present[i] != 0 ? 1 : 0);
        perSpecies[it->second].scores.push_back(predicted.logits[i * species.size() + it->second]);
    }
    auto result = scoreSpecies(species, perSpecies);
    result["checkpoint"] = checkpoint;
    result["records"] = n;
    result["species_unknown_records"] = unknown;
    return result;
}

} // namespace geoinr::rasters
