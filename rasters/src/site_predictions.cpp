// SPDX-License-Identifier: MIT
#include "site_predictions.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/covariates.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace geoinr::rasters::detail
{

std::string baseColumn(const std::string& feature)
{
    const auto eq = feature.find('=');
    return eq == std::string::npos ? feature : feature.substr(0, eq);
}

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
                fmt::format("{}: the model needs table covariate '{}' at these points; no such "
                            "column",
                            sites.source, baseColumn(name)));
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

nlohmann::json checkpointCovariates(const core::Predictor& predictor)
{
    return predictor.header().at("metadata").value("covariates", nlohmann::json{{"kind", "none"}});
}

SitePredictions predictAtSites(const core::Predictor& predictor, const OccurrenceTable& sites,
                               const core::ProgressSink& progress)
{
    const auto n = sites.size();
    const auto env = siteCovariates(checkpointCovariates(predictor), sites);
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

} // namespace geoinr::rasters::detail
