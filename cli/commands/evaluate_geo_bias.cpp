// SPDX-License-Identifier: MIT
// `geoinr evaluate geo-bias`: base and relative geo-bias scores (science.md §5.10) of per-point
// performance values read from a CSV (lon, lat, a value column).
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"

#include <geoinr/core/error.h>
#include <geoinr/core/geo_bias.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace geoinr::cli
{
namespace
{

struct GeoBiasArgs
{
    std::string pointsFile;
    std::string valueColumn = "correct";
    double lowBelow = 0.5;
    std::string output;
    bool quiet = false;
    core::GeoBiasOptions options;
};

struct PointsTable
{
    std::vector<double> lon, lat, value;
};

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/** Comma-separated fields, trimmed. Quotes are refused rather than half-supported. */
std::vector<std::string> splitLine(const std::string& line, const std::string& where)
{
    if (line.find('"') != std::string::npos)
    {
        throw InvalidArgument(fmt::format("{}: quoted fields are not supported", where));
    }
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;)
    {
        const auto comma = line.find(',', start);
        fields.push_back(trim(line.substr(start, comma - start)));
        if (comma == std::string::npos)
        {
            return fields;
        }
        start = comma + 1;
    }
}

std::size_t columnIndex(const std::vector<std::string>& header, const std::string& name,
                        const std::string& path)
{
    std::size_t found = header.size();
    for (std::size_t i = 0; i < header.size(); ++i)
    {
        if (header[i] == name)
        {
            if (found != header.size())
            {
                throw InvalidArgument(fmt::format("{}:1: column '{}' appears twice", path, name));
            }
            found = i;
        }
    }
    if (found == header.size())
    {
        throw InvalidArgument(
            fmt::format("{}:1: no column '{}' (columns: {})", path, name, fmt::join(header, ", ")));
    }
    return found;
}

double parseNumber(const std::string& field, const std::string& column, const std::string& where)
{
    double v = 0.0;
    const char* end = field.data() + field.size();
    const auto [ptr, ec] = std::from_chars(field.data(), end, v);
    if (field.empty() || ec != std::errc() || ptr != end || !std::isfinite(v))
    {
        throw InvalidArgument(
            fmt::format("{}: column '{}': '{}' is not a finite number", where, column, field));
    }
    return v;
}

/** Reads lon, lat and the value column; errors name file:line. */
PointsTable readPoints(const std::string& path, const std::string& valueColumn)
{
    std::ifstream in(path);
    if (!in)
    {
        throw IoError(fmt::format("cannot open points file '{}'", path));
    }
    std::string line;
    std::size_t lineNo = 0;
    std::vector<std::string> header;
    while (header.empty() && std::getline(in, line))
    {
        ++lineNo;
        if (lineNo == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0)
        {
            line.erase(0, 3); // UTF-8 byte-order mark
        }
        if (!trim(line).empty())
        {
            header = splitLine(line, fmt::format("{}:{}", path, lineNo));
        }
    }
    if (header.empty())
    {
        throw InvalidArgument(
            fmt::format("{}: empty file, expected a header with lon, lat, {}", path, valueColumn));
    }
    const std::size_t iLon = columnIndex(header, "lon", path);
    const std::size_t iLat = columnIndex(header, "lat", path);
    const std::size_t iValue = columnIndex(header, valueColumn, path);
    PointsTable t;
    while (std::getline(in, line))
    {
        ++lineNo;
        if (trim(line).empty())
        {
            continue;
        }
        const std::string where = fmt::format("{}:{}", path, lineNo);
        const auto fields = splitLine(line, where);
        if (fields.size() != header.size())
        {
            throw InvalidArgument(fmt::format("{}: {} fields, expected {} as in the header", where,
                                              fields.size(), header.size()));
        }
        t.lon.push_back(parseNumber(fields[iLon], "lon", where));
        t.lat.push_back(parseNumber(fields[iLat], "lat", where));
        t.value.push_back(parseNumber(fields[iValue], valueColumn, where));
        if (std::abs(t.lat.back()) > 90.0)
        {
            throw InvalidArgument(
                fmt::format("{}: lat {} is outside [-90, 90]", where, fields[iLat]));
        }
    }
    if (t.lon.empty())
    {
        throw InvalidArgument(fmt::format("{}: no data rows after the header", path));
    }
    return t;
}

nlohmann::json ssiJson(const core::SsiResult& s)
{
    return {{"iu", s.iu}, {"mean", s.mean}, {"std", s.std}, {"ssi", s.ssi}};
}

nlohmann::json reportJson(const GeoBiasArgs& a, const PointsTable& t, const core::GeoBiasResult& r)
{
    const auto& o = r.options;
    nlohmann::json centres = nlohmann::json::array();
    for (const auto& c : r.centres)
    {
        centres.push_back({{"point_index", c.pointIndex},
                           {"lon", t.lon[c.pointIndex]},
                           {"lat", t.lat[c.pointIndex]},
                           {"data_points", c.dataPoints},
                           {"low_points", c.lowPoints},
                           {"background_points", c.backgroundPoints},
                           {"background_spacing_km", c.backgroundSpacingKm},
                           {"actual", ssiJson(c.actual)},
                           {"random", ssiJson(c.random)}});
    }
    return {{"points_file", a.pointsFile},
            {"value_column", a.valueColumn},
            {"low_below", a.lowBelow},
            {"settings",
             {{"radius_km", o.radiusKm},
              {"k", o.k},
              {"background_spacing_km", o.backgroundSpacingKm},
              {"background_spacing_auto", o.backgroundSpacingKm == 0.0},
              {"centres", o.numCentres},
              {"seed", o.seed},
              {"marked", o.marked},
              {"random_among", o.randomAmongDataOnly ? "data" : "all"}}},
            {"points", r.points},
            {"low_performance_points", r.lowPerformancePoints},
            {"centres_sampled", r.centresSampled},
            {"centres_used", r.centresUsed},
            {"skipped_too_few_points", r.skippedTooFewPoints},
            {"skipped_no_variance", r.skippedNoVariance},
            {"base_score", r.baseScore},
            {"relative_score", r.relativeScore},
            {"approximate", true},
            {"note", "science.md 5.10: the seed's toolkit details (radius, background density, "
                     "centre sampling) are not public in the reference; numbers are approximate"},
            {"centre_details", centres}};
}

void runGeoBias(const GeoBiasArgs& a)
{
    const PointsTable t = readPoints(a.pointsFile, a.valueColumn);
    const auto r = core::geoBiasScore(t.lon, t.lat, t.value, a.lowBelow, a.options,
                                      makeTerminalProgress(a.quiet));
    fmt::print("points: {} (low-performance, {} < {}: {})\n", r.points, a.valueColumn, a.lowBelow,
               r.lowPerformancePoints);
    fmt::print("centres used: {} of {} (skipped: {} too few points, {} no variance)\n",
               r.centresUsed, r.centresSampled, r.skippedTooFewPoints, r.skippedNoVariance);
    fmt::print("base geo-bias score: {:.4f}\nrelative geo-bias score: {:.4f}\n", r.baseScore,
               r.relativeScore);
    writeJsonFile(reportJson(a, t, r), a.output);
}

} // namespace

void addGeoBiasEvaluation(CLI::App& evaluate)
{
    auto a = std::make_shared<GeoBiasArgs>();
    auto& o = a->options;
    auto* cmd = evaluate.add_subcommand(
        "geo-bias", "Geo-bias score of per-point performance (TorchSpatial SSI; base and relative; "
                    "approximate)");
    cmd->add_option("--points", a->pointsFile, "CSV with columns lon, lat (degrees) and the value")
        ->required();
    cmd->add_option("--value-column", a->valueColumn, "performance column (e.g. 1 = top-1 right)")
        ->capture_default_str();
    cmd->add_option("--low-below", a->lowBelow, "low-performance points: value < this")
        ->capture_default_str();
    cmd->add_option("--radius-km", o.radiusKm, "neighbourhood radius, km")->capture_default_str();
    cmd->add_option("--k", o.k, "nearest neighbours per point in W (4 = rook)")
        ->capture_default_str();
    cmd->add_option("--background-spacing-km", o.backgroundSpacingKm,
                    "background grid spacing, km (0 = auto: about one per evaluation point)")
        ->capture_default_str();
    cmd->add_option("--centres", o.numCentres, "low-performance points sampled as centres")
        ->capture_default_str();
    cmd->add_option("--seed", o.seed, "seed of the centre sample and the random placements")
        ->capture_default_str();
    cmd->add_flag("--marked", o.marked,
                  "marks = the performance value (background 0) instead of 1 for low-performance");
    cmd->add_flag("--random-among-data", o.randomAmongDataOnly,
                  "relative score: shuffle marks over the evaluation points only (default: over "
                  "evaluation and background points)");
    cmd->add_option("-o,--output", a->output, "write the JSON report here");
    cmd->add_flag("-q,--quiet", a->quiet, "no progress output");
    cmd->callback([a] { runGeoBias(*a); });
}

} // namespace geoinr::cli
