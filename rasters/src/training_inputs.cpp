// SPDX-License-Identifier: MIT
// Preparation of training inputs: occurrences + covariates -> core::TrainingSet and friends.
#include <geoinr/core/distributed.h>
#include <geoinr/core/error.h>
#include <geoinr/rasters/training_inputs.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace geoinr::rasters
{
namespace
{

bool contains(const std::vector<std::string>& v, const std::string& s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

/** Rows whose every value in [n x c] is finite. */
std::vector<bool> completeRows(const std::vector<double>& values, std::size_t n, std::size_t c)
{
    std::vector<bool> keep(n, true);
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t j = 0; j < c; ++j)
        {
            if (!std::isfinite(values[i * c + j]))
            {
                keep[i] = false;
                break;
            }
        }
    }
    return keep;
}

std::vector<float> toFloat(const std::vector<double>& v)
{
    return {v.begin(), v.end()};
}

std::vector<float> lonLatOf(const OccurrenceTable& t)
{
    std::vector<float> out(2 * t.size());
    for (std::size_t i = 0; i < t.size(); ++i)
    {
        out[2 * i] = static_cast<float>(t.lon[i]);
        out[2 * i + 1] = static_cast<float>(t.lat[i]);
    }
    return out;
}

/** Table covariates: one-hot the categoricals, z-score the rest over presences + background. */
nlohmann::json prepareTableCovariates(OccurrenceTable& presences, OccurrenceTable* background,
                                      const std::vector<std::string>& categorical)
{
    nlohmann::json levelsJson = nlohmann::json::object();
    for (const auto& column : categorical)
    {
        if (!contains(presences.covariateNames, column))
        {
            continue; // a raster categorical
        }
        auto levels = distinctValues(presences, column);
        if (background != nullptr)
        {
            const auto more = distinctValues(*background, column);
            levels.insert(levels.end(), more.begin(), more.end());
            std::sort(levels.begin(), levels.end());
            levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
        }
        oneHotCovariate(presences, column, levels);
        if (background != nullptr)
        {
            oneHotCovariate(*background, column, levels);
        }
        levelsJson[column] = levels;
    }
    const auto c = presences.covariateNames.size();
    std::vector<double> mean(c, 0.0), stddev(c, 1.0);
    for (std::size_t j = 0; j < c; ++j)
    {
        if (presences.covariateNames[j].find('=') != std::string::npos)
        {
            continue; // one-hot column
        }
        double sum = 0.0, sumSq = 0.0;
        std::size_t count = 0;
        for (const auto* t : {static_cast<const OccurrenceTable*>(&presences),
                              static_cast<const OccurrenceTable*>(background)})
        {
            for (std::size_t i = 0; t != nullptr && i < t->size(); ++i)
            {
                const double v = t->covariates[i * c + j];
                if (std::isfinite(v))
                {
                    sum += v;
                    sumSq += v * v;
                    ++count;
                }
            }
        }
        if (count > 0)
        {
            mean[j] = sum / count;
            const double var = sumSq / count - mean[j] * mean[j];
            stddev[j] = var > 1e-24 ? std::sqrt(var) : 1.0;
        }
    }
    for (auto* t : {&presences, background})
    {
        for (std::size_t i = 0; t != nullptr && i < t->size(); ++i)
        {
            for (std::size_t j = 0; j < c; ++j)
            {
                auto& v = t->covariates[i * c + j];
                v = (v - mean[j]) / stddev[j];
            }
        }
    }
    return {{"kind", "table"},
            {"features", presences.covariateNames},
            {"categorical_levels", levelsJson},
            {"normalisation", {{"mean", mean}, {"std", stddev}}}};
}

/** Lon/lat of the cell centres of `g`, row by row from the north edge (lon wrapped to +-180). */
void gridCentres(const core::EnvGridData& g, std::vector<double>& lon, std::vector<double>& lat)
{
    const auto cells = static_cast<std::size_t>(g.width * g.height);
    lon.clear();
    lat.clear();
    lon.reserve(cells);
    lat.reserve(cells);
    for (std::int64_t r = 0; r < g.height; ++r)
    {
        for (std::int64_t c = 0; c < g.width; ++c)
        {
            const double x = g.west + (c + 0.5) * g.resolution;
            lon.push_back(x > 180.0 ? x - 360.0 : x);
            lat.push_back(std::clamp(g.north - (r + 0.5) * g.resolution, -90.0, 90.0));
        }
    }
}

/** The grid of random pseudo-absence covariates: cell centres sampled and normalised. */
core::EnvGridData buildGrid(CovariateStack& stack, double resolution, Resampling resampling)
{
    const auto bounds = stack.lonLatBounds(0); // west, south, east, north
    core::EnvGridData g;
    g.resolution = resolution;
    g.west = bounds[0];
    g.north = bounds[3];
    g.width = std::max<std::int64_t>(1, std::llround((bounds[2] - bounds[0]) / resolution));
    g.height = std::max<std::int64_t>(1, std::llround((bounds[3] - bounds[1]) / resolution));
    if (g.width * g.height > 20'000'000)
    {
        throw InvalidArgument(
            fmt::format("--grid-resolution {}: {} x {} cells is too many; use a coarser resolution",
                        resolution, g.width, g.height));
    }
    std::vector<double> lon, lat;
    gridCentres(g, lon, lat);
    auto raw = stack.sample(
        lon, lat, resampling == Resampling::SinrCompat ? Resampling::Bilinear : resampling);
    stack.fitNormalisation(raw); // z-score over every cell with data, as SINR does per channel
    stack.normalise(raw);
    const auto f = stack.numFeatures();
    const auto cells = static_cast<std::size_t>(g.width * g.height);
    g.channels = static_cast<std::int64_t>(f);
    g.values.resize(cells * f);
    for (std::size_t i = 0; i < cells; ++i)
    {
        for (std::size_t j = 0; j < f; ++j)
        {
            g.values[j * cells + i] = static_cast<float>(raw[i * f + j]); // [C, H, W]
        }
    }
    return g;
}

/** 1 where the mask raster has a non-zero value at the grid cell centre, else 0. */
std::vector<std::uint8_t> maskCells(const std::string& maskPath, const core::EnvGridData& g)
{
    const auto mask =
        CovariateStack::open({std::filesystem::absolute(maskPath).lexically_normal().string()});
    std::vector<double> lon, lat;
    gridCentres(g, lon, lat);
    const auto values = mask.sample(lon, lat, Resampling::Nearest);
    std::vector<std::uint8_t> out(values.size() / mask.numFeatures(), 0);
    std::size_t inside = 0;
    for (std::size_t i = 0; i < out.size(); ++i)
    {
        const double v = values[i * mask.numFeatures()];
        out[i] = std::isfinite(v) && v != 0.0 ? 1 : 0;
        inside += out[i];
    }
    if (inside == 0)
    {
        throw InvalidArgument(fmt::format("--pseudo-absence-mask {}: no cell of the covariate grid "
                                          "falls on a non-zero mask value",
                                          maskPath));
    }
    return out;
}

/**
 * Normalised covariates at the table's points; rows without a complete set are removed from the
 * table (and counted in `dropped`). Returns [kept rows x features] floats.
 */
std::vector<float> sampleCompleteRows(const CovariateStack& stack, OccurrenceTable& table,
                                      Resampling resampling, std::size_t& dropped)
{
    const auto f = stack.numFeatures();
    const auto values = stack.sampleNormalised(table.lon, table.lat, resampling);
    const auto keep = completeRows(values, table.size(), f);
    std::vector<float> kept;
    kept.reserve(values.size());
    for (std::size_t i = 0; i < keep.size(); ++i)
    {
        if (keep[i])
        {
            kept.insert(kept.end(), values.begin() + static_cast<std::ptrdiff_t>(i * f),
                        values.begin() + static_cast<std::ptrdiff_t>((i + 1) * f));
        }
    }
    dropped = filterRows(table, keep);
    return kept;
}

double defaultResolution(const CovariateStack& stack)
{
    const auto b = stack.lonLatBounds(0);
    // 1/500 of the larger side, at least 1 arc-minute: enough for pseudo-absence covariates.
    return std::max(std::max(b[2] - b[0], b[3] - b[1]) / 500.0, 1.0 / 60.0);
}

} // namespace

TrainingInputs prepareTrainingInputs(const TrainingInputOptions& options,
                                     const core::ProgressSink& progress)
{
    TrainingInputs out;
    core::reportProgress(progress, 0.0, "reading occurrences");
    auto readOptions = options.occurrenceOptions;
    for (const auto& c : options.tableCovariates)
    {
        readOptions.covariateColumns.push_back(c);
    }
    auto presences = readOccurrences(options.occurrences, readOptions);
    out.summary["occurrence_file"] = options.occurrences;
    out.summary["records_read"] = presences.size() + presences.skippedRows;
    out.summary["records_skipped_invalid"] = presences.skippedRows;
    if (options.thinCellDeg > 0.0)
    {
        out.summary["records_thinned"] = thinPerCell(presences, options.thinCellDeg);
    }

    OccurrenceTable background;
    const bool hasBackground = !options.backgroundFile.empty();
    if (hasBackground)
    {
        auto bgOptions = readOptions;
        bgOptions.singleSpecies = "background";
        bgOptions.speciesColumn.clear();
        background = readOccurrences(options.backgroundFile, bgOptions);
        out.summary["background_file"] = options.backgroundFile;
        out.summary["background_points"] = background.size();
    }

    if (!options.covariateRasters.empty() && !options.tableCovariates.empty())
    {
        throw InvalidArgument("--covariates and --table-covariates cannot be combined (yet): "
                              "choose rasters or table columns");
    }
    std::size_t droppedNoData = 0;
    // This rank's contiguous share of the records (all of them in a single process).
    const auto keepShard = [&options](OccurrenceTable& table)
    {
        if (options.shardCount <= 1)
        {
            return;
        }
        const auto [begin, end] =
            core::shardRange(table.size(), options.shardIndex, options.shardCount);
        std::vector<bool> keep(table.size(), false);
        std::fill(keep.begin() + static_cast<std::ptrdiff_t>(begin),
                  keep.begin() + static_cast<std::ptrdiff_t>(end), true);
        filterRows(table, keep);
    };
    if (!options.tableCovariates.empty())
    {
        out.covariates = prepareTableCovariates(presences, hasBackground ? &background : nullptr,
                                                options.categorical);
        const auto c = presences.covariateNames.size();
        const auto keep = completeRows(presences.covariates, presences.size(), c);
        droppedNoData = filterRows(presences, keep);
        keepShard(presences);
        out.data.envNames = presences.covariateNames;
        out.data.env = toFloat(presences.covariates);
        if (hasBackground)
        {
            filterRows(background, completeRows(background.covariates, background.size(), c));
            out.background.env = toFloat(background.covariates);
        }
    }
    else if (!options.covariateRasters.empty())
    {
        core::reportProgress(progress, 0.2, "opening covariate rasters");
        // Absolute paths, so that a checkpoint finds its rasters from any working directory.
        std::vector<std::string> absolute;
        for (const auto& p : options.covariateRasters)
        {
            absolute.push_back(std::filesystem::absolute(p).lexically_normal().string());
        }
        auto stack = CovariateStack::open(absolute, options.categorical);
        const double res =
            options.gridResolutionDeg > 0.0 ? options.gridResolutionDeg : defaultResolution(stack);
        core::reportProgress(progress, 0.3, "resampling covariates for pseudo-absences");
        out.grid = buildGrid(stack, res, options.resampling);
        if (!options.pseudoAbsenceMask.empty())
        {
            out.grid.drawMask = maskCells(options.pseudoAbsenceMask, out.grid);
        }
        core::reportProgress(progress, 0.8, "sampling covariates at the records");
        keepShard(presences);
        out.data.envNames = stack.featureNames();
        out.data.env = sampleCompleteRows(stack, presences, options.resampling, droppedNoData);
        if (hasBackground)
        {
            std::size_t droppedBackground = 0;
            out.background.env =
                sampleCompleteRows(stack, background, options.resampling, droppedBackground);
        }
        out.covariates = stack.describe();
        out.covariates["kind"] = "rasters";
        out.covariates["resampling"] = resamplingName(options.resampling);
        out.covariates["grid_resolution_deg"] = res;
    }
    else
    {
        keepShard(presences);
        out.covariates = {{"kind", "none"}, {"features", nlohmann::json::array()}};
    }
    out.summary["records_dropped_no_covariates"] = droppedNoData;
    if (presences.size() == 0 && options.shardCount <= 1)
    {
        throw InvalidArgument(fmt::format("{}: no usable presence records (read {}, skipped {}, "
                                          "without covariates {})",
                                          options.occurrences, out.summary["records_read"].dump(),
                                          presences.skippedRows, droppedNoData));
    }
    out.data.speciesNames = presences.speciesNames;
    out.data.classIds = presences.speciesIndex;
    out.data.lonLat = lonLatOf(presences);
    if (hasBackground)
    {
        out.background.lonLat = lonLatOf(background);
    }
    out.summary["records_used"] = presences.size();
    if (options.shardCount > 1)
    {
        out.summary["shard"] = {{"index", options.shardIndex}, {"count", options.shardCount}};
    }
    out.summary["species"] = presences.speciesNames.size();
    core::reportProgress(progress, 1.0, "inputs ready");
    return out;
}

} // namespace geoinr::rasters
