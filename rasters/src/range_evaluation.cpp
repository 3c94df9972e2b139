// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/core/predictor.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/occurrences.h>
#include <geoinr/rasters/range_evaluation.h>

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <unordered_map>

namespace geoinr::rasters
{
namespace
{

struct Grid
{
    std::int64_t width = 0, height = 0;
    double cell = 0.5;
    std::int64_t index(double lon, double lat) const
    {
        auto c = static_cast<std::int64_t>(std::floor((lon + 180.0) / cell));
        auto r = static_cast<std::int64_t>(std::floor((90.0 - lat) / cell));
        c = std::clamp<std::int64_t>(c, 0, width - 1);
        r = std::clamp<std::int64_t>(r, 0, height - 1);
        return r * width + c;
    }
};

/** 1 for grid cells whose footprint holds a valid pixel of the (lon/lat) mask raster. */
std::vector<std::uint8_t> maskCells(const std::string& path, const Grid& g)
{
    std::vector<std::uint8_t> keep(static_cast<std::size_t>(g.width * g.height), 0);
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!ds)
    {
        throw IoError(fmt::format("--mask {}: cannot open as a raster", path));
    }
    double gt[6];
    ds->GetGeoTransform(gt);
    auto* band = ds->GetRasterBand(1);
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<float> row(static_cast<std::size_t>(w));
    int hasNodata = 0;
    const double nodata = band->GetNoDataValue(&hasNodata);
    for (int y = 0; y < h; ++y)
    {
        if (band->RasterIO(GF_Read, 0, y, w, 1, row.data(), w, 1, GDT_Float32, 0, 0) != CE_None)
        {
            throw IoError(fmt::format("--mask {}: read failed at row {}", path, y));
        }
        const double lat = gt[3] + (y + 0.5) * gt[5];
        for (int x = 0; x < w; ++x)
        {
            const float v = row[static_cast<std::size_t>(x)];
            if (!std::isfinite(v) || (hasNodata != 0 && v == static_cast<float>(nodata)) ||
                v < -1e6f)
            {
                continue;
            }
            keep[static_cast<std::size_t>(g.index(gt[0] + (x + 0.5) * gt[1], lat))] = 1;
        }
    }
    return keep;
}

/** Per-species record counts in the coarse cells of one baseline grid. */
struct BaselineGrid
{
    double cell = 0.0;
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::map<std::string, std::unordered_map<std::int64_t, double>> counts;
    std::vector<double> aps, aucs;

    std::int64_t index(double lon, double lat) const
    {
        const auto c = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor((lon + 180.0) / cell)), 0, width - 1);
        const auto r = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor((90.0 - lat) / cell)), 0, height - 1);
        return r * width + c;
    }
};

std::vector<BaselineGrid> readBaseline(const RangeEvaluationOptions& o)
{
    std::vector<BaselineGrid> grids;
    if (o.baselineOccurrences.empty())
    {
        return grids;
    }
    const auto records = readOccurrences(o.baselineOccurrences);
    for (const double size : o.baselineCellSizesDeg)
    {
        if (!(size > 0.0) || std::fmod(180.0, size) > 1e-9)
        {
            throw InvalidArgument(fmt::format(
                "--baseline-cell-sizes: expected divisors of 180 degrees, got {}", size));
        }
        BaselineGrid g;
        g.cell = size;
        g.width = std::llround(360.0 / size);
        g.height = std::llround(180.0 / size);
        for (std::size_t k = 0; k < records.size(); ++k)
        {
            const auto& name =
                records.speciesNames[static_cast<std::size_t>(records.speciesIndex[k])];
            g.counts[name][g.index(records.lon[k], records.lat[k])] += 1.0;
        }
        grids.push_back(std::move(g));
    }
    return grids;
}

nlohmann::json baselineReport(const std::vector<BaselineGrid>& grids, const std::string& path)
{
    if (grids.empty())
    {
        return nullptr;
    }
    nlohmann::json sizes = nlohmann::json::array();
    double bestMap = -1.0;
    double bestSize = 0.0;
    for (const auto& g : grids)
    {
        const double map = core::meanOfDefined(g.aps);
        sizes.push_back(
            {{"cell_size_deg", g.cell}, {"map", map}, {"mean_auc", core::meanOfDefined(g.aucs)}});
        if (map > bestMap)
        {
            bestMap = map;
            bestSize = g.cell;
        }
    }
    return {{"method", "discretised grid (Berg et al. 2014): per-species record counts per cell"},
            {"occurrences", path},
            {"sizes", sizes},
            {"best_cell_size_deg", bestSize},
            {"best_map", bestMap}};
}

} // namespace

nlohmann::json evaluateRanges(const RangeEvaluationOptions& o, const core::ProgressSink& progress,
                              RangeScores* scores)
{
    ensureGdalRegistered();
    if (!(o.cellSizeDeg > 0.0) || std::fmod(180.0, o.cellSizeDeg) > 1e-9)
    {
        throw InvalidArgument(
            fmt::format("--cell-size: expected a divisor of 180 degrees, got {}", o.cellSizeDeg));
    }
    const auto predictor = core::Predictor::load(o.checkpoint);
    if (predictor->numEnvFeatures() > 0)
    {
        throw InvalidArgument("range evaluation supports coordinate-only models for now (this "
                              "model takes covariates)");
    }
    Grid g;
    g.cell = o.cellSizeDeg;
    g.width = std::llround(360.0 / g.cell);
    g.height = std::llround(180.0 / g.cell);
    const auto cells = static_cast<std::size_t>(g.width * g.height);
    std::vector<std::uint8_t> evaluated(cells, 1);
    if (!o.maskRaster.empty())
    {
        evaluated = maskCells(o.maskRaster, g);
    }
    std::vector<std::size_t> cellIds;
    std::vector<float> lonLat;
    for (std::size_t i = 0; i < cells; ++i)
    {
        if (evaluated[i] == 0)
        {
            continue;
        }
        const auto r = static_cast<double>(i / static_cast<std::size_t>(g.width));
        const auto c = static_cast<double>(i % static_cast<std::size_t>(g.width));
        cellIds.push_back(i);
        lonLat.push_back(static_cast<float>(-180.0 + (c + 0.5) * g.cell));
        lonLat.push_back(static_cast<float>(90.0 - (r + 0.5) * g.cell));
    }
    // Range cells -> per species set of grid cells.
    const auto ranges = readOccurrences(o.rangeCells);
    std::map<std::string, std::vector<std::size_t>> rangeCells;
    for (std::size_t k = 0; k < ranges.size(); ++k)
    {
        rangeCells[ranges.speciesNames[static_cast<std::size_t>(ranges.speciesIndex[k])]].push_back(
            static_cast<std::size_t>(g.index(ranges.lon[k], ranges.lat[k])));
    }
    if (scores != nullptr)
    {
        scores->gridWidth = g.width;
        scores->gridHeight = g.height;
        scores->cellSizeDeg = g.cell;
        scores->cells = cellIds;
    }
    std::vector<std::int64_t> position(cells, -1);
    for (std::size_t k = 0; k < cellIds.size(); ++k)
    {
        position[cellIds[k]] = static_cast<std::int64_t>(k);
    }
    auto baseline = readBaseline(o);
    const auto& names = predictor->speciesNames();
    nlohmann::json perSpecies = nlohmann::json::array();
    std::vector<double> aps, aucs;
    std::size_t skipped = 0;
    // Species in blocks: one network pass per block (not per species), bounded memory.
    constexpr std::size_t kBlock = 256;
    std::vector<float> blockScores;
    std::size_t blockStart = 0, blockSize = 0;
    for (std::size_t s = 0; s < names.size(); ++s)
    {
        const auto it = rangeCells.find(names[s]);
        std::vector<std::uint8_t> labels(cellIds.size(), 0);
        std::size_t positives = 0;
        if (it != rangeCells.end())
        {
            for (auto cell : it->second)
            {
                const auto p = position[cell];
                if (p >= 0 && labels[static_cast<std::size_t>(p)] == 0)
                {
                    labels[static_cast<std::size_t>(p)] = 1;
                    ++positives;
                }
            }
        }
        if (positives == 0)
        {
            ++skipped;
            continue;
        }
        if (s >= blockStart + blockSize)
        {
            blockStart = s;
            blockSize = std::min(kBlock, names.size() - s);
            std::vector<std::int64_t> ids(blockSize);
            std::iota(ids.begin(), ids.end(), static_cast<std::int64_t>(s));
            blockScores.resize(cellIds.size() * blockSize);
            predictor->predict(lonLat.data(), nullptr, static_cast<std::int64_t>(cellIds.size()),
                               ids, blockScores.data(), core::OutputKind::Logit);
        }
        std::vector<double> sd(cellIds.size());
        for (std::size_t k = 0; k < cellIds.size(); ++k)
        {
            sd[k] = blockScores[k * blockSize + (s - blockStart)];
        }
        const double ap = core::averagePrecision(labels, sd);
        const double auc = core::rocAuc(labels, sd);
        if (scores != nullptr && scores->onSpecies)
        {
            scores->onSpecies(names[s], labels, sd);
        }
        aps.push_back(ap);
        aucs.push_back(auc);
        for (auto& b : baseline)
        {
            const auto counts = b.counts.find(names[s]);
            std::vector<double> bs(cellIds.size(), 0.0);
            for (std::size_t k = 0; counts != b.counts.end() && k < cellIds.size(); ++k)
            {
                const auto hit = counts->second.find(b.index(lonLat[2 * k], lonLat[2 * k + 1]));
                bs[k] = hit == counts->second.end() ? 0.0 : hit->second;
            }
            b.aps.push_back(core::averagePrecision(labels, bs));
            b.aucs.push_back(core::rocAuc(labels, bs));
        }
        perSpecies.push_back(
            {{"species", names[s]}, {"positives", positives}, {"ap", ap}, {"auc", auc}});
        core::reportProgress(progress, static_cast<double>(s + 1) / names.size(),
                             fmt::format("species {}/{}", s + 1, names.size()));
    }
    std::size_t defined = 0;
    const double map = core::meanOfDefined(aps, &defined);
    return {{"protocol", "range cells (SINR IUCN style): tie-aware AP and ROC-AUC of logits"},
            {"checkpoint", o.checkpoint},
            {"range_cells", o.rangeCells},
            {"cell_size_deg", o.cellSizeDeg},
            {"mask_raster", o.maskRaster},
            {"cells_evaluated", cellIds.size()},
            {"species_evaluated", defined},
            {"species_without_range_cells", skipped},
            {"map", map},
            {"mean_auc", core::meanOfDefined(aucs)},
            {"discretised_grid_baseline", baselineReport(baseline, o.baselineOccurrences)},
            {"per_species", perSpecies}};
}

} // namespace geoinr::rasters
