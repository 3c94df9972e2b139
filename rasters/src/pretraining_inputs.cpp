// SPDX-License-Identifier: MIT
// Paired data for `geoinr pretrain`: raster samples at random valid locations, or a table.
#include "csv_parser.h"
#include "occurrence_builder.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/pretraining_inputs.h>

#include <fmt/format.h>

#include <cmath>
#include <fstream>

namespace geoinr::rasters
{
namespace
{

void copyToSet(const std::vector<double>& lon, const std::vector<double>& lat,
               const std::vector<double>& values, core::PretrainingSet& out)
{
    out.lonLat.resize(2 * lon.size());
    for (std::size_t i = 0; i < lon.size(); ++i)
    {
        out.lonLat[2 * i] = static_cast<float>(lon[i]);
        out.lonLat[2 * i + 1] = static_cast<float>(lat[i]);
    }
    out.features.assign(values.begin(), values.end()); // double -> float, element-wise
}

PretrainingInputs fromRasters(const PretrainingInputOptions& o, const core::ProgressSink& progress)
{
    if (o.locations < 2)
    {
        throw InvalidArgument(fmt::format("--locations: expected >= 2, got {}", o.locations));
    }
    auto stack = CovariateStack::open(o.rasters, o.categorical);
    core::reportProgress(progress, 0.0, "drawing random valid locations");
    std::vector<double> lon;
    std::vector<double> lat;
    stack.randomValidPoints(static_cast<std::size_t>(o.locations), o.seed, lon, lat);
    core::reportProgress(progress, 0.5, "sampling the rasters");
    auto values = stack.sample(lon, lat, o.resampling);
    stack.fitNormalisation(values);
    stack.normalise(values);
    // randomValidPoints checks validity with Nearest; Bilinear falls back to Nearest at nodata,
    // so a NaN here means a broken raster: refuse rather than train on it.
    const auto k = stack.numFeatures();
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        if (std::isnan(values[i]))
        {
            throw InvalidArgument(fmt::format("{}: no value at lon {}, lat {} although the pixel "
                                              "is valid",
                                              stack.layers()[0].path, lon[i / k], lat[i / k]));
        }
    }
    PretrainingInputs out;
    copyToSet(lon, lat, values, out.data);
    out.data.featureNames = stack.featureNames();
    out.features = {{"kind", "rasters"}, {"covariates", stack.describe()}};
    out.summary = {{"source", "rasters"},
                   {"locations", lon.size()},
                   {"features", out.data.featureNames},
                   {"sampling", resamplingName(o.resampling)},
                   {"seed", o.seed}};
    return out;
}

/** Column-wise z-score of [n x k]; a constant column keeps std 1. */
void zScore(std::vector<double>& values, std::size_t k, std::vector<double>& mean,
            std::vector<double>& sd)
{
    const std::size_t n = values.size() / k;
    mean.assign(k, 0.0);
    sd.assign(k, 0.0);
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        mean[i % k] += values[i] / static_cast<double>(n);
    }
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        const double d = values[i] - mean[i % k];
        sd[i % k] += d * d / static_cast<double>(n);
    }
    for (auto& s : sd)
    {
        s = s > 0.0 ? std::sqrt(s) : 1.0;
    }
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        values[i] = (values[i] - mean[i % k]) / sd[i % k];
    }
}

PretrainingInputs fromTable(const PretrainingInputOptions& o)
{
    std::ifstream in(o.table, std::ios::binary);
    if (!in)
    {
        throw IoError(fmt::format("{}: cannot open the feature table", o.table));
    }
    detail::DelimitedReader reader(in, o.table);
    std::vector<std::string> fields;
    if (!reader.next(fields))
    {
        throw IoError(
            fmt::format("{}: empty file (expected a header lon, lat, f1, ..., fk)", o.table));
    }
    const auto header = fields;
    const auto where = fmt::format("{}:{}", o.table, reader.line());
    const auto lonCol = detail::findColumn(header, detail::lonColumnCandidates(false));
    const auto latCol = detail::findColumn(header, detail::latColumnCandidates(false));
    if (!lonCol || !latCol)
    {
        throw IoError(fmt::format("{}: expected lon and lat columns; columns are: {}", where,
                                  detail::joinNames(header)));
    }
    std::vector<std::size_t> featureCols;
    PretrainingInputs out;
    for (std::size_t c = 0; c < header.size(); ++c)
    {
        if (c != *lonCol && c != *latCol)
        {
            featureCols.push_back(c);
            out.data.featureNames.push_back(detail::trim(header[c]));
        }
    }
    if (featureCols.empty())
    {
        throw IoError(fmt::format("{}: no feature columns besides lon and lat", where));
    }
    std::vector<double> lon, lat, values;
    while (reader.next(fields))
    {
        const auto at = fmt::format("{}:{}", o.table, reader.line());
        if (fields.size() != header.size())
        {
            throw IoError(
                fmt::format("{}: {} fields, the header has {}", at, fields.size(), header.size()));
        }
        const auto number = [&](std::size_t c)
        {
            const auto v = detail::parseNumber(fields[c]);
            if (!v.valid)
            {
                throw IoError(fmt::format("{}: column '{}': expected a finite number, got '{}'", at,
                                          header[c], fields[c]));
            }
            return v.value;
        };
        const double x = number(*lonCol);
        const double y = number(*latCol);
        if (std::abs(x) > 180.0 || std::abs(y) > 90.0)
        {
            throw IoError(
                fmt::format("{}: lon {} / lat {} outside [-180, 180] x [-90, 90]", at, x, y));
        }
        lon.push_back(x);
        lat.push_back(y);
        for (auto c : featureCols)
        {
            values.push_back(number(c));
        }
    }
    if (lon.size() < 2)
    {
        throw IoError(fmt::format("{}: expected at least 2 rows, got {}", o.table, lon.size()));
    }
    std::vector<double> mean, sd;
    zScore(values, featureCols.size(), mean, sd);
    copyToSet(lon, lat, values, out.data);
    out.features = {{"kind", "table"},
                    {"path", o.table},
                    {"features", out.data.featureNames},
                    {"normalisation", {{"mean", mean}, {"std", sd}}}};
    out.summary = {{"source", "table"},
                   {"path", o.table},
                   {"locations", lon.size()},
                   {"features", out.data.featureNames}};
    return out;
}

} // namespace

PretrainingInputs preparePretrainingInputs(const PretrainingInputOptions& options,
                                           const core::ProgressSink& progress)
{
    if (options.rasters.empty() == options.table.empty())
    {
        throw InvalidArgument("pretraining features: give either rasters (--covariates) or a "
                              "table (--table), not both and not neither");
    }
    ensureGdalRegistered();
    return options.table.empty() ? fromRasters(options, progress) : fromTable(options);
}

} // namespace geoinr::rasters
