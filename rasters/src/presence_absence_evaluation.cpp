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

/** Normalised model inputs at the sites from the checkpoint's covariate description. */
std::vector<float> siteCovariates(const nlohmann::json& cov, const OccurrenceTable& sites,
                                  const std::vector<std::string>& baseColumns)
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
    const auto width = sites.covariateNames.size();
    std::vector<float> out(n * features.size());
    for (std::size_t f = 0; f < features.size(); ++f)
    {
        const auto& name = features[f];
        const auto base = baseColumn(name);
        const auto col = static_cast<std::size_t>(
            std::find(baseColumns.begin(), baseColumns.end(), base) - baseColumns.begin());
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

} // namespace

nlohmann::json evaluatePresenceAbsence(const PresenceAbsenceOptions& o,
                                       const core::ProgressSink& progress)
{
    const auto predictor = core::Predictor::load(o.checkpoint);
    const auto& meta = predictor->header().at("metadata");
    const auto cov = meta.value("covariates", nlohmann::json{{"kind", "none"}});
    const auto& species = predictor->speciesNames();

    // Raw table covariates the model needs, then one column per species.
    std::vector<std::string> baseColumns;
    if (cov.value("kind", std::string("none")) == "table")
    {
        for (const auto& f : cov.at("features").get<std::vector<std::string>>())
        {
            const auto base = baseColumn(f);
            if (std::find(baseColumns.begin(), baseColumns.end(), base) == baseColumns.end())
            {
                baseColumns.push_back(base);
            }
        }
    }
    OccurrenceOptions read;
    read.singleSpecies = "site";
    read.speciesColumn = "";
    read.covariateColumns = baseColumns;
    // Species columns are read as covariates too (empty = NaN = not surveyed); a species of the
    // model without a column is an error naming that column.
    for (const auto& s : species)
    {
        read.covariateColumns.push_back(s);
    }
    const auto sites = readOccurrencesCsv(o.sites, read);
    const auto n = sites.size();
    const auto width = sites.covariateNames.size();
    const auto env = siteCovariates(cov, sites, baseColumns);
    const auto c = static_cast<std::size_t>(predictor->numEnvFeatures());
    std::vector<std::uint8_t> usable(n, 1);
    for (std::size_t i = 0; i < n && c > 0; ++i)
    {
        for (std::size_t j = 0; j < c; ++j)
        {
            usable[i] = usable[i] && std::isfinite(env[i * c + j]);
        }
    }
    std::vector<float> lonLat(2 * n);
    for (std::size_t i = 0; i < n; ++i)
    {
        lonLat[2 * i] = static_cast<float>(sites.lon[i]);
        lonLat[2 * i + 1] = static_cast<float>(sites.lat[i]);
    }
    std::vector<float> logits(n * species.size());
    core::reportProgress(progress, 0.1, "predicting at the sites");
    predictor->predict(lonLat.data(), env.data(), static_cast<std::int64_t>(n), {}, logits.data(),
                       core::OutputKind::Logit);

    nlohmann::json perSpecies = nlohmann::json::array();
    std::vector<double> aucs, aps;
    std::size_t skipped = 0;
    for (std::size_t s = 0; s < species.size(); ++s)
    {
        const auto col = baseColumns.size() + s;
        std::vector<std::uint8_t> labels;
        std::vector<double> scores;
        for (std::size_t i = 0; i < n; ++i)
        {
            const double v = sites.covariates[i * width + col];
            if (!std::isfinite(v) || usable[i] == 0)
            {
                continue; // not surveyed for this species, or no covariates there
            }
            labels.push_back(v != 0.0 ? 1 : 0);
            scores.push_back(logits[i * species.size() + s]);
        }
        const double auc = labels.empty() ? NAN : core::rocAuc(labels, scores);
        if (!std::isfinite(auc))
        {
            ++skipped;
            continue;
        }
        const double ap = core::averagePrecision(labels, scores);
        aucs.push_back(auc);
        aps.push_back(ap);
        perSpecies.push_back({{"species", species[s]},
                              {"sites", labels.size()},
                              {"presences", std::count(labels.begin(), labels.end(), 1)},
                              {"auc", auc},
                              {"ap", ap}});
    }
    std::size_t evaluated = 0;
    const double meanAuc = core::meanOfDefined(aucs, &evaluated);
    return {{"protocol", "presence-absence sites: ROC-AUC (ties 1/2) and tie-aware AP of logits, "
                         "per species on its surveyed sites"},
            {"checkpoint", o.checkpoint},
            {"sites", o.sites},
            {"site_rows", n},
            {"species_evaluated", evaluated},
            {"species_skipped", skipped},
            {"mean_auc", meanAuc},
            {"mean_ap", core::meanOfDefined(aps)},
            {"per_species", perSpecies}};
}

} // namespace geoinr::rasters
