// SPDX-License-Identifier: MIT
// Format dispatch and whole-table operations on occurrence records.
#include <geoinr/core/error.h>
#include <geoinr/rasters/occurrences.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <unordered_set>

namespace geoinr::rasters
{
namespace
{

std::string lowerExtension(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

std::size_t covariateIndex(const OccurrenceTable& table, const std::string& column)
{
    const auto it = std::find(table.covariateNames.begin(), table.covariateNames.end(), column);
    if (it == table.covariateNames.end())
    {
        std::string names;
        for (const auto& n : table.covariateNames)
        {
            names += (names.empty() ? "" : ", ") + n;
        }
        throw InvalidArgument("covariate '" + column + "' is not in the table (covariates: " +
                              (names.empty() ? std::string("none") : names) + ")");
    }
    return static_cast<std::size_t>(it - table.covariateNames.begin());
}

struct CellKey
{
    std::int32_t species;
    std::int64_t col;
    std::int64_t row;
    bool operator==(const CellKey& o) const
    {
        return species == o.species && col == o.col && row == o.row;
    }
};

struct CellKeyHash
{
    std::size_t operator()(const CellKey& k) const
    {
        std::size_t h = std::hash<std::int64_t>()(k.col);
        h = h * 1000003u ^ std::hash<std::int64_t>()(k.row);
        return h * 1000003u ^ std::hash<std::int32_t>()(k.species);
    }
};

} // namespace

OccurrenceTable readOccurrences(const std::string& path, const OccurrenceOptions& options)
{
    const std::string ext = lowerExtension(path);
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt")
    {
        return readOccurrencesCsv(path, options);
    }
    return readOccurrencesOgr(path, options);
}

std::size_t filterRows(OccurrenceTable& table, const std::vector<bool>& keep)
{
    const std::size_t n = table.size();
    if (keep.size() != n)
    {
        throw InvalidArgument(
            fmt::format("filterRows: keep has {} entries, the table has {} rows", keep.size(), n));
    }
    const std::size_t width = table.covariateNames.size();
    std::size_t out = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        if (!keep[i])
        {
            continue;
        }
        table.speciesIndex[out] = table.speciesIndex[i];
        table.lon[out] = table.lon[i];
        table.lat[out] = table.lat[i];
        std::copy_n(table.covariates.begin() + static_cast<std::ptrdiff_t>(i * width), width,
                    table.covariates.begin() + static_cast<std::ptrdiff_t>(out * width));
        ++out;
    }
    table.speciesIndex.resize(out);
    table.lon.resize(out);
    table.lat.resize(out);
    table.covariates.resize(out * width);
    return n - out;
}

std::size_t thinPerCell(OccurrenceTable& table, double cellSizeDeg)
{
    if (!std::isfinite(cellSizeDeg) || cellSizeDeg <= 0.0)
    {
        throw InvalidArgument(fmt::format(
            "thinPerCell: cell size must be a number > 0 degrees, got {}", cellSizeDeg));
    }
    std::unordered_set<CellKey, CellKeyHash> seen;
    std::vector<bool> keep(table.size());
    for (std::size_t i = 0; i < table.size(); ++i)
    {
        // lon = 180 is the same place as lon = -180.
        const double lon = table.lon[i] >= 180.0 ? -180.0 : table.lon[i];
        const CellKey key{
            table.speciesIndex[i],
            static_cast<std::int64_t>(std::floor((lon + 180.0) / cellSizeDeg)),
            static_cast<std::int64_t>(std::floor((table.lat[i] + 90.0) / cellSizeDeg))};
        keep[i] = seen.insert(key).second;
    }
    return filterRows(table, keep);
}

std::vector<double> distinctValues(const OccurrenceTable& table, const std::string& column)
{
    const std::size_t k = covariateIndex(table, column);
    const std::size_t width = table.covariateNames.size();
    std::vector<double> values;
    for (std::size_t i = 0; i < table.size(); ++i)
    {
        const double v = table.covariates[i * width + k];
        if (!std::isnan(v))
        {
            values.push_back(v);
        }
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

void oneHotCovariate(OccurrenceTable& table, const std::string& column,
                     const std::vector<double>& levels)
{
    const std::size_t k = covariateIndex(table, column);
    if (levels.empty())
    {
        throw InvalidArgument("oneHotCovariate: no levels given for '" + column + "'");
    }
    const std::size_t width = table.covariateNames.size();
    const std::size_t newWidth = width - 1 + levels.size();
    std::vector<double> out;
    out.reserve(table.size() * newWidth);
    for (std::size_t i = 0; i < table.size(); ++i)
    {
        const auto row = table.covariates.begin() + static_cast<std::ptrdiff_t>(i * width);
        out.insert(out.end(), row, row + static_cast<std::ptrdiff_t>(k));
        const double v = row[static_cast<std::ptrdiff_t>(k)];
        for (const double level : levels)
        {
            out.push_back(std::isnan(v) ? v : (v == level ? 1.0 : 0.0));
        }
        out.insert(out.end(), row + static_cast<std::ptrdiff_t>(k + 1),
                   row + static_cast<std::ptrdiff_t>(width));
    }
    std::vector<std::string> names(table.covariateNames.begin(),
                                   table.covariateNames.begin() + static_cast<std::ptrdiff_t>(k));
    for (const double level : levels)
    {
        names.push_back(column + "=" + levelName(level));
    }
    names.insert(names.end(), table.covariateNames.begin() + static_cast<std::ptrdiff_t>(k + 1),
                 table.covariateNames.end());
    table.covariateNames = std::move(names);
    table.covariates = std::move(out);
}

std::string levelName(double level)
{
    if (std::isfinite(level) && level == std::floor(level) && std::abs(level) < 1e15)
    {
        return fmt::format("{}", static_cast<long long>(level));
    }
    return fmt::format("{}", level);
}

} // namespace geoinr::rasters
