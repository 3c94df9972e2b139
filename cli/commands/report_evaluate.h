// SPDX-License-Identifier: MIT
// The --report DIR outputs of `evaluate presence-absence`, `evaluate ranges` and `evaluate
// presence-only`: Markdown with settings and metrics tables, ROC curves, score histograms and a
// map of one species.
#pragma once

#include <geoinr/rasters/presence_absence_evaluation.h>
#include <geoinr/rasters/presence_only_evaluation.h>
#include <geoinr/rasters/range_evaluation.h>
#include <geoinr/report/roc.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace CLI
{
class App;
}

namespace geoinr::cli
{

/** --report DIR and --report-species NAME of the evaluate subcommands. */
struct ReportArgs
{
    std::string directory;
    std::string species;
    bool wanted() const { return !directory.empty(); }
};

void addReportOptions(CLI::App* cmd, ReportArgs& a);

/**
 * Writes the presence-absence report into `dir`. `results` is the evaluation's JSON (with its
 * "provenance"); the site map shows `species` or, when empty, the evaluated species with the
 * most presences. Throws InvalidArgument naming an unknown or unevaluated species.
 */
void writePresenceAbsenceReport(const std::string& dir, const nlohmann::json& results,
                                const rasters::SiteScores& scores, const std::string& species);

/**
 * Collects, species by species while `evaluate ranges` runs, what its report draws: thinned ROC
 * curves, pooled probability histograms, and the grid of the mapped species (`species`, or the
 * one with the most range cells).
 */
class RangeReportCollector
{
  public:
    explicit RangeReportCollector(std::string species);
    /** Sets scores.onSpecies to collect into this object (which must outlive the evaluation). */
    void attach(rasters::RangeScores& scores);
    /** Writes the report into `dir`; call after the evaluation. */
    void write(const std::string& dir, const nlohmann::json& results,
               const rasters::RangeScores& scores) const;

  private:
    void collect(const std::string& species, const std::vector<std::uint8_t>& inRange,
                 const std::vector<double>& logits);

    std::string m_requested;
    std::vector<report::RocCurve> m_curves;
    std::vector<double> m_inRangeCounts, m_outsideCounts;
    std::string m_mapped;
    std::size_t m_mappedPositives = 0;
    std::vector<std::uint8_t> m_mappedInRange;
    std::vector<double> m_mappedLogits;
};

/**
 * Collects what the presence-only report draws while `evaluate presence-only` runs: ROC curves of
 * test presences vs background, pooled probability histograms, and the points of the mapped
 * species (`species`, or the one with the most test presences).
 */
class PresenceOnlyReportCollector
{
  public:
    explicit PresenceOnlyReportCollector(std::string species);
    /** The sink to give the evaluation (this object must outlive it). */
    rasters::PresenceOnlySpeciesSink sink();
    /** Writes the report into `dir`; call after the evaluation. */
    void write(const std::string& dir, const nlohmann::json& results) const;

  private:
    void collect(const rasters::PresenceOnlySpeciesDetail& d);

    std::string m_requested;
    std::vector<report::RocCurve> m_curves;
    std::vector<double> m_presenceCounts, m_backgroundCounts;
    std::string m_mapped;
    std::size_t m_mappedPresences = 0;
    std::vector<double> m_testLon, m_testLat, m_backgroundLon, m_backgroundLat, m_backgroundScores;
};

} // namespace geoinr::cli
