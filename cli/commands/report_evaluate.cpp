// SPDX-License-Identifier: MIT
#include "report_evaluate.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/report/markdown_report.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace geoinr::cli
{
namespace
{

constexpr std::size_t kHistogramBins = 20;
constexpr std::size_t kCurvePoints = 300;

std::string withThousands(std::size_t n)
{
    auto digits = std::to_string(n);
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3)
    {
        digits.insert(static_cast<std::size_t>(i), ",");
    }
    return digits;
}

std::string fileName(const std::string& path)
{
    return std::filesystem::path(path).filename().string();
}

report::RocFigure rocFigure(std::vector<report::RocCurve> curves, const std::string& title)
{
    report::RocFigure fig;
    fig.title = title;
    if (curves.size() > 1)
    {
        fig.highlighted =
            report::meanRocCurve(curves, fmt::format("mean curve of {} species", curves.size()));
    }
    fig.curves = std::move(curves);
    return fig;
}

report::HistogramFigure histogram(const std::string& title, const std::string& inLabel,
                                  std::vector<double> in, const std::string& outLabel,
                                  std::vector<double> out)
{
    report::HistogramFigure fig;
    fig.title = title;
    fig.series = {{inLabel, std::move(in)}, {outLabel, std::move(out)}};
    return fig;
}

/**
 * Settings and the per-species metrics table shared by the reports: `columns` of the JSON's
 * per_species rows, means of `meanColumns`, headers renamed by `headers` (key -> header).
 */
report::Report baseReport(const std::string& title, const nlohmann::json& results,
                          const std::vector<std::string>& columns,
                          const std::vector<std::string>& meanColumns = {"auc", "ap"},
                          const std::map<std::string, std::string>& headers = {{"auc", "ROC-AUC"},
                                                                               {"ap", "AP"}})
{
    report::Report r;
    r.title = title;
    r.results = results;
    if (results.contains("provenance"))
    {
        r.settings = report::settingsFromProvenance(results.at("provenance"));
    }
    r.settings.emplace_back("protocol", results.value("protocol", std::string()));
    auto table = report::speciesTable(results.at("per_species"), columns, meanColumns,
                                      "Per-species metrics");
    for (auto& c : table.columns)
    {
        const auto it = headers.find(c);
        c = it != headers.end() ? it->second : c;
    }
    r.tables.push_back(std::move(table));
    return r;
}

/** The species of the site map: the requested one, or the one with the most presences. */
const rasters::SiteScores::Species& mappedSpecies(const rasters::SiteScores& scores,
                                                  const std::string& requested)
{
    const rasters::SiteScores::Species* best = nullptr;
    long bestPresences = -1;
    for (const auto& s : scores.species)
    {
        const auto presences = std::count(s.labels.begin(), s.labels.end(), 1);
        if (!requested.empty()
                ? s.name == requested
                : (presences > bestPresences && presences < static_cast<long>(s.labels.size())))
        {
            best = &s;
            bestPresences = presences;
        }
    }
    if (best == nullptr || best->rows.empty())
    {
        throw InvalidArgument(
            requested.empty()
                ? std::string("--report: no species has both presences and absences to map")
                : fmt::format("--report-species '{}': {}", requested,
                              best == nullptr ? "not a species of the model"
                                              : "no surveyed site of this species"));
    }
    return *best;
}

/**
 * Colours over the 2nd..98th percentile of the finite values (rounded out to 0.05) instead of
 * 0..1: models trained with a large positive weight put most sites near 1 (or, briefly trained,
 * most cells near 0.1), and the map would be one colour although the ranking the metrics measure
 * is there. The colour bar shows the range used.
 */
void stretchColours(report::MapFigure& map, const std::vector<double>& values,
                    const std::string& what)
{
    std::vector<double> v;
    for (double x : values)
    {
        if (std::isfinite(x))
        {
            v.push_back(x);
        }
    }
    if (v.size() < 2)
    {
        return;
    }
    std::sort(v.begin(), v.end());
    const auto at = [&v](double q)
    {
        return v[static_cast<std::size_t>(std::llround(q * static_cast<double>(v.size() - 1)))];
    };
    map.vmin = std::clamp(std::floor(at(0.02) * 20.0) / 20.0, 0.0, 0.95);
    map.vmax = std::clamp(std::ceil(at(0.98) * 20.0) / 20.0, map.vmin + 0.05, 1.0);
    if (map.vmin > 0.0 || map.vmax < 1.0)
    {
        map.valueLabel = fmt::format("predicted probability (2–98 % of the {})", what);
    }
}

report::MapFigure siteMap(const rasters::SiteScores& scores, const rasters::SiteScores::Species& s)
{
    report::MapFigure map;
    map.title = fmt::format("{}: predicted probability at its {} surveyed sites", s.name,
                            withThousands(s.rows.size()));
    map.presenceMarker = report::PresenceMarker::Ring;
    map.presenceLabel = "observed presence";
    for (std::size_t k = 0; k < s.rows.size(); ++k)
    {
        const auto row = s.rows[k];
        map.sites.lon.push_back(scores.lon[row]);
        map.sites.lat.push_back(scores.lat[row]);
        map.siteValues.push_back(report::sigmoid(s.logits[k]));
        if (s.labels[k] != 0)
        {
            map.presences.lon.push_back(scores.lon[row]);
            map.presences.lat.push_back(scores.lat[row]);
        }
    }
    map.extent = report::extentOfPoints(map.sites.lon, map.sites.lat);
    stretchColours(map, map.siteValues, "sites");
    return map;
}

} // namespace

void addReportOptions(CLI::App* cmd, ReportArgs& a)
{
    cmd->add_option("--report", a.directory,
                    "write a Markdown report with figures (report.md, figures/*.png, results.json) "
                    "into this directory");
    cmd->add_option("--report-species", a.species,
                    "species of the report's map (default: the one with the most presences or "
                    "range cells)");
}

void writePresenceAbsenceReport(const std::string& dir, const nlohmann::json& results,
                                const rasters::SiteScores& scores, const std::string& species)
{
    const auto& mapped = mappedSpecies(scores, species);
    std::vector<report::RocCurve> curves;
    std::vector<double> presence(kHistogramBins, 0.0), absence(kHistogramBins, 0.0);
    for (const auto& s : scores.species)
    {
        const auto positives = std::count(s.labels.begin(), s.labels.end(), 1);
        if (positives == 0 || positives == static_cast<long>(s.labels.size()))
        {
            continue; // skipped by the metrics too
        }
        curves.push_back(
            report::thinRocCurve(report::rocCurve(s.labels, s.logits, s.name), kCurvePoints));
        for (std::size_t k = 0; k < s.labels.size(); ++k)
        {
            report::addToHistogram(s.labels[k] != 0 ? presence : absence,
                                   {report::sigmoid(s.logits[k])}, 0.0, 1.0);
        }
    }
    auto r = baseReport(
        fmt::format("Presence-absence evaluation of {}", fileName(results.value("checkpoint", ""))),
        results, {"species", "sites", "presences", "auc", "ap"});
    r.summary = {
        fmt::format("species evaluated: {} (skipped: {})", results.value("species_evaluated", 0L),
                    results.value("species_skipped", 0L)),
        fmt::format("mean ROC-AUC: {:.4f}", results.value("mean_auc", std::nan(""))),
        fmt::format("mean average precision: {:.4f}", results.value("mean_ap", std::nan(""))),
        fmt::format("site table: {} ({} rows)", results.value("sites", ""),
                    results.value("site_rows", 0L))};
    r.figures.push_back({"roc.png", "ROC curves at the surveyed sites",
                         rocFigure(std::move(curves), "ROC curves at the surveyed sites")});
    r.figures.push_back(
        {"scores.png", "Predicted probability at presence and absence sites (all species)",
         histogram("Predicted probability at surveyed sites, all species", "presence",
                   std::move(presence), "absence", std::move(absence))});
    r.figures.push_back(
        {"site_map.png", fmt::format("Site map of {}", mapped.name), siteMap(scores, mapped)});
    report::writeReport(dir, r);
}

RangeReportCollector::RangeReportCollector(std::string species)
    : m_requested(std::move(species)), m_inRangeCounts(kHistogramBins, 0.0),
      m_outsideCounts(kHistogramBins, 0.0)
{
}

void RangeReportCollector::attach(rasters::RangeScores& scores)
{
    scores.onSpecies = [this](const std::string& species, const std::vector<std::uint8_t>& inRange,
                              const std::vector<double>& logits)
    {
        collect(species, inRange, logits);
    };
}

void RangeReportCollector::collect(const std::string& species,
                                   const std::vector<std::uint8_t>& inRange,
                                   const std::vector<double>& logits)
{
    const auto positives = static_cast<std::size_t>(std::count(inRange.begin(), inRange.end(), 1));
    if (positives < inRange.size())
    {
        m_curves.push_back(
            report::thinRocCurve(report::rocCurve(inRange, logits, species), kCurvePoints));
    }
    const double bins = static_cast<double>(kHistogramBins);
    for (std::size_t k = 0; k < logits.size(); ++k)
    {
        const double b = std::floor(report::sigmoid(logits[k]) * bins);
        (inRange[k] != 0
             ? m_inRangeCounts
             : m_outsideCounts)[static_cast<std::size_t>(std::clamp(b, 0.0, bins - 1))] += 1.0;
    }
    const bool wanted =
        m_requested.empty() ? positives > m_mappedPositives : species == m_requested;
    if (wanted)
    {
        m_mapped = species;
        m_mappedPositives = positives;
        m_mappedInRange = inRange;
        m_mappedLogits = logits;
    }
}

void RangeReportCollector::write(const std::string& dir, const nlohmann::json& results,
                                 const rasters::RangeScores& scores) const
{
    if (m_mapped.empty())
    {
        throw InvalidArgument(
            m_requested.empty()
                ? std::string("--report: no species has range cells to map")
                : fmt::format("--report-species '{}': not an evaluated species of the model "
                              "(no range cells, or not in the model)",
                              m_requested));
    }
    report::MapFigure map;
    map.title = fmt::format("{}: predicted probability, expert range outlined", m_mapped);
    map.grid.width = static_cast<std::size_t>(scores.gridWidth);
    map.grid.height = static_cast<std::size_t>(scores.gridHeight);
    map.grid.values.assign(map.grid.width * map.grid.height,
                           std::numeric_limits<double>::quiet_NaN());
    map.outline.assign(map.grid.values.size(), 0);
    for (std::size_t k = 0; k < scores.cells.size(); ++k)
    {
        map.grid.values[scores.cells[k]] = report::sigmoid(m_mappedLogits[k]);
        map.outline[scores.cells[k]] = m_mappedInRange[k];
    }
    map.outlineLabel = fmt::format("expert range ({} cells)", withThousands(m_mappedPositives));
    stretchColours(map, map.grid.values, "cells");

    auto r = baseReport(
        fmt::format("Range-map evaluation of {}", fileName(results.value("checkpoint", ""))),
        results, {"species", "positives", "auc", "ap"});
    r.summary = {fmt::format("species evaluated: {} (without range cells: {})",
                             results.value("species_evaluated", 0L),
                             results.value("species_without_range_cells", 0L)),
                 fmt::format("MAP: {:.4f}", results.value("map", std::nan(""))),
                 fmt::format("mean ROC-AUC: {:.4f}", results.value("mean_auc", std::nan(""))),
                 fmt::format("cells evaluated: {} ({} degree grid)",
                             results.value("cells_evaluated", 0L), scores.cellSizeDeg)};
    r.figures.push_back({"roc.png", "ROC curves on the evaluation grid",
                         rocFigure(m_curves, "ROC curves on the evaluation grid")});
    r.figures.push_back(
        {"scores.png", "Predicted probability in and outside the expert ranges (all species)",
         histogram("Predicted probability of grid cells, all species", "cells in range",
                   m_inRangeCounts, "cells outside", m_outsideCounts)});
    r.figures.push_back({"range_map.png", fmt::format("Range map of {}", m_mapped), map});
    report::writeReport(dir, r);
}

PresenceOnlyReportCollector::PresenceOnlyReportCollector(std::string species)
    : m_requested(std::move(species)), m_presenceCounts(kHistogramBins, 0.0),
      m_backgroundCounts(kHistogramBins, 0.0)
{
}

rasters::PresenceOnlySpeciesSink PresenceOnlyReportCollector::sink()
{
    return [this](const rasters::PresenceOnlySpeciesDetail& d)
    {
        collect(d);
    };
}

void PresenceOnlyReportCollector::collect(const rasters::PresenceOnlySpeciesDetail& d)
{
    std::vector<double> scores = d.testScores;
    scores.insert(scores.end(), d.backgroundScores.begin(), d.backgroundScores.end());
    m_curves.push_back(report::thinRocCurve(
        report::rocCurve(core::presenceLabels(d.testScores.size(), d.backgroundScores.size()),
                         scores, d.stats.species),
        kCurvePoints));
    report::addToHistogram(m_presenceCounts, d.testScores, 0.0, 1.0);
    report::addToHistogram(m_backgroundCounts, d.backgroundScores, 0.0, 1.0);
    const bool wanted = m_requested.empty() ? d.testScores.size() > m_mappedPresences
                                            : d.stats.species == m_requested;
    if (wanted)
    {
        m_mapped = d.stats.species;
        m_mappedPresences = d.testScores.size();
        m_testLon = d.testLon;
        m_testLat = d.testLat;
        m_backgroundLon = d.backgroundLon;
        m_backgroundLat = d.backgroundLat;
        m_backgroundScores = d.backgroundScores;
    }
}

void PresenceOnlyReportCollector::write(const std::string& dir, const nlohmann::json& results) const
{
    if (m_mapped.empty())
    {
        throw InvalidArgument(
            m_requested.empty()
                ? std::string("--report: no species has test presences to map")
                : fmt::format("--report-species '{}': not an evaluated species of the model (no "
                              "test presences, or not in the model)",
                              m_requested));
    }
    report::MapFigure map;
    map.title = fmt::format("{}: predicted probability at background points", m_mapped);
    map.sitesLabel = "background points";
    map.sites.lon = m_backgroundLon;
    map.sites.lat = m_backgroundLat;
    map.siteValues = m_backgroundScores;
    map.presences.lon = m_testLon;
    map.presences.lat = m_testLat;
    map.presenceMarker = report::PresenceMarker::Ring;
    map.presenceLabel = "test presence";
    std::vector<double> lon = m_backgroundLon, lat = m_backgroundLat;
    lon.insert(lon.end(), m_testLon.begin(), m_testLon.end());
    lat.insert(lat.end(), m_testLat.begin(), m_testLat.end());
    map.extent = report::extentOfPoints(lon, lat);
    stretchColours(map, map.siteValues, "background points");

    auto r = baseReport(
        fmt::format("Presence-only evaluation of {}", fileName(results.value("checkpoint", ""))),
        results, {"species", "test_presences", "boyce", "auc", "or_mtp", "or_10p"},
        {"boyce", "auc", "or_mtp", "or_10p"},
        {{"test_presences", "test presences"},
         {"boyce", "Boyce"},
         {"auc", "AUC vs background"},
         {"or_mtp", "omission at MTP"},
         {"or_10p", "omission at 10p"}});
    r.settings.emplace_back("thresholds", results.value("threshold_source", std::string()));
    r.summary = {fmt::format("species evaluated: {} ({} test records, {} background points)",
                             results.value("species_evaluated", 0L),
                             results.value("test_records", 0L),
                             results.value("background_points", 0L)),
                 fmt::format("mean Boyce index: {:.4f}", results.value("mean_boyce", std::nan(""))),
                 fmt::format("mean AUC (test presences vs background): {:.4f}",
                             results.value("mean_auc", std::nan(""))),
                 fmt::format("mean omission at MTP / 10th percentile: {:.4f} / {:.4f}",
                             results.value("mean_or_mtp", std::nan("")),
                             results.value("mean_or_10p", std::nan("")))};
    r.figures.push_back({"roc.png", "ROC curves of test presences against background points",
                         rocFigure(m_curves, "ROC curves: test presences vs background")});
    r.figures.push_back({"scores.png",
                         "Predicted probability at test presences and background points",
                         histogram("Predicted probability, all species", "test presences",
                                   m_presenceCounts, "background points", m_backgroundCounts)});
    r.figures.push_back({"presence_map.png", fmt::format("Map of {}", m_mapped), map});
    report::writeReport(dir, r);
}

} // namespace geoinr::cli
