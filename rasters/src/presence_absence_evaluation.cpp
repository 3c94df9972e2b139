// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/covariates.h>
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

/** Raw table column of one-hot feature "col=level", or the feature itself. */
std::string baseColumn(const std::string& feature)
{
    const auto eq = feature.find('=');
    return eq == std::string::npos ? feature : feature.substr(0, eq);
}

/** Normalised model inputs at the sites from the checkpoint's covariate description; table
 *  covariates are looked up by raw column name in sites.covariateNames. */
std::vector<float> siteCovariates(const nlohmann::json& cov, const OccurrenceTable& sites)
{
    const auto kind = cov.value("kind", std::string("none"));
    const auto n = sites.size();
    if (kind == "none")
    {
        return {}; // a coordinate-only model
    }
    if (kind == "rasters")
    {
        const auto stack = CovariateStack::fromDescription(cov);
        const auto values = stack.sampleNormalised(
            sites.lon, sites.lat,
            parseResampling(cov.value("resampling", std::string("bilinear"))));
        return {values.begin(), values.end()};
    }
    const auto features = cov.at("features").get<std::vector<std::string>>();
    const auto mean = cov.at("normalisation").at("mean").get<std::vector<double>>();
    const auto stddev = cov.at("normalisation").at("std").get<std::vector<double>>();
    const auto& names = sites.covariateNames;
    const auto width = names.size();
    std::vector<float> out(n * features.size());
    for (std::size_t f = 0; f < features.size(); ++f)
    {
        const auto& name = features[f];
        const auto it = std::find(names.begin(), names.end(), baseColumn(name));
        if (it == names.end())
        {
            throw InvalidArgument(
                fmt::format("the model needs table covariate '{}' at the sites; no such column",
                            baseColumn(name)));
        }
        const auto col = static_cast<std::size_t>(it - names.begin());
        const bool oneHot = name.find('=') != std::string::npos;
        const double level = oneHot ? std::stod(name.substr(name.find('=') + 1)) : 0.0;
        for (std::size_t i = 0; i < n; ++i)
        {
            const double v = sites.covariates[i * width + col];
            double x = NAN;
            if (std::isfinite(v))
            {
                x = oneHot ? (v == level ? 1.0 : 0.0) : (v - mean[f]) / stddev[f];
            }
            out[i * features.size() + f] = static_cast<float>(x);
        }
    }
    return out;
}

/** Logits of every species at the sites, and whether each site has all the inputs it needs. */
struct SitePredictions
{
    std::vector<float> logits; ///< [sites x species]
    std::vector<std::uint8_t> usable;
};

SitePredictions predictAtSites(const core::Predictor& predictor, const OccurrenceTable& sites,
                               const core::ProgressSink& progress)
{
    const auto cov =
        predictor.header().at("metadata").value("covariates", nlohmann::json{{"kind", "none"}});
    const auto n = sites.size();
    const auto env = siteCovariates(cov, sites);
    const auto c = static_cast<std::size_t>(predictor.numEnvFeatures());
    SitePredictions out;
    out.usable.assign(n, 1);
    for (std::size_t i = 0; i < n && c > 0; ++i)
    {
        for (std::size_t j = 0; j < c; ++j)
        {
            out.usable[i] = out.usable[i] && std::isfinite(env[i * c + j]);
        }
    }
    std::vector<float> lonLat(2 * n);
    for (std::size_t i = 0; i < n; ++i)
    {
        lonLat[2 * i] = static_cast<float>(sites.lon[i]);
        lonLat[2 * i + 1] = static_cast<float>(sites.lat[i]);
    }
    out.logits.resize(n * predictor.speciesNames().size());
    core::reportProgress(progress, 0.1, "predicting at the sites");
    predictor.predict(lonLat.data(), env.data(), static_cast<std::int64_t>(n), {},
                      out.logits.data(), core::OutputKind::Logit);
    return out;
}

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
        const auto base = baseColumn(f);
        if (std::find(columns.begin(), columns.end(), base) == columns.end())
        {
            columns.push_back(base);
        }
    }
    return columns;
}

nlohmann::json evaluatePresenceAbsence(const PresenceAbsenceOptions& o,
                                       const core::ProgressSink& progress)
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
    const auto predicted = predictAtSites(*predictor, sites, progress);

    std::vector<LabelledScores> perSpecies(species.size());
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
    const auto predicted = predictAtSites(*predictor, sites, progress);

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
