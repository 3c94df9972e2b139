// SPDX-License-Identifier: MIT
// `geoinr evaluate ranges`: score a checkpoint against expert range cells (MAP, mean AUC);
// `geoinr evaluate presence-absence`: at surveyed sites. Both add a provenance block (checkpoint
// and data file hashes, seed) to their JSON and can write a Markdown report with figures.
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"
#include "report_evaluate.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/presence_absence_evaluation.h>
#include <geoinr/rasters/range_evaluation.h>
#include <geoinr/report/provenance.h>

#include <fmt/format.h>

namespace geoinr::cli
{
namespace
{

void addPresenceAbsence(CLI::App* cmd)
{
    auto o = std::make_shared<rasters::PresenceAbsenceOptions>();
    auto output = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    auto reportArgs = std::make_shared<ReportArgs>();
    auto* pa = cmd->add_subcommand(
        "presence-absence", "At surveyed sites (disdat test_pa.csv layout): per-species ROC-AUC "
                            "and AP, mean over species");
    pa->add_option("checkpoint", o->checkpoint, "checkpoint")->required();
    pa->add_option("--sites", o->sites,
                   "CSV: lon, lat, the model's table covariates, one 0/1/empty column per species")
        ->required();
    pa->add_option("-o,--output", *output, "write the JSON report here");
    pa->add_flag("-q,--quiet", *quiet, "no progress output");
    addReportOptions(pa, *reportArgs);
    pa->callback(
        [o, output, quiet, reportArgs]
        {
            rasters::SiteScores scores;
            auto results = rasters::evaluatePresenceAbsence(
                *o, makeTerminalProgress(*quiet), reportArgs->wanted() ? &scores : nullptr);
            if (!output->empty() || reportArgs->wanted())
            {
                results["provenance"] =
                    report::provenance(o->checkpoint, {o->sites}, report::currentCommandLine());
            }
            fmt::print("species evaluated: {} (skipped {})\nmean AUC: {:.4f}\nmean AP: {:.4f}\n",
                       results.at("species_evaluated").get<long>(),
                       results.at("species_skipped").get<long>(),
                       results.at("mean_auc").get<double>(), results.at("mean_ap").get<double>());
            writeJsonFile(results, *output);
            if (reportArgs->wanted())
            {
                writePresenceAbsenceReport(reportArgs->directory, results, scores,
                                           reportArgs->species);
            }
        });
}

} // namespace

void addEvaluateCommand(CLI::App& app)
{
    auto* cmd = app.add_subcommand("evaluate", "Evaluate a checkpoint with a published protocol");
    cmd->require_subcommand(1);
    auto o = std::make_shared<rasters::RangeEvaluationOptions>();
    auto output = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    auto reportArgs = std::make_shared<ReportArgs>();
    auto* ranges = cmd->add_subcommand(
        "ranges", "Against expert range cells on a global grid (SINR's IUCN protocol): per-species "
                  "AP and AUC, MAP");
    ranges->add_option("checkpoint", o->checkpoint, "checkpoint (coordinate-only model)")
        ->required();
    ranges
        ->add_option("--range-cells", o->rangeCells, "CSV of range cell centres: species, lon, lat")
        ->required();
    ranges->add_option("--cell-size", o->cellSizeDeg, "grid cell size in degrees")
        ->capture_default_str();
    ranges->add_option("--mask", o->maskRaster,
                       "evaluate only cells holding a valid pixel of this lon/lat raster");
    ranges->add_option("--baseline-occurrences", o->baselineOccurrences,
                       "training records (species, lon, lat): also score SINR's discretised-grid "
                       "baseline (record counts per coarse cell) on the same cells");
    ranges
        ->add_option("--baseline-cell-sizes", o->baselineCellSizesDeg,
                     "coarse cell sizes of the baseline, degrees")
        ->delimiter(',')
        ->capture_default_str();
    ranges->add_option("-o,--output", *output, "write the JSON report here");
    ranges->add_flag("-q,--quiet", *quiet, "no progress output");
    addReportOptions(ranges, *reportArgs);
    ranges->callback(
        [o, output, quiet, reportArgs]
        {
            rasters::RangeScores scores;
            RangeReportCollector collector(reportArgs->species);
            if (reportArgs->wanted())
            {
                collector.attach(scores);
            }
            auto results = rasters::evaluateRanges(*o, makeTerminalProgress(*quiet),
                                                   reportArgs->wanted() ? &scores : nullptr);
            if (!output->empty() || reportArgs->wanted())
            {
                results["provenance"] = report::provenance(
                    o->checkpoint, {o->rangeCells, o->maskRaster, o->baselineOccurrences},
                    report::currentCommandLine());
            }
            fmt::print("species evaluated: {}, cells: {}\nMAP: {:.4f}\nmean AUC: {:.4f}\n",
                       results.at("species_evaluated").get<long>(),
                       results.at("cells_evaluated").get<long>(), results.at("map").get<double>(),
                       results.at("mean_auc").get<double>());
            if (const auto& b = results.at("discretised_grid_baseline"); !b.is_null())
            {
                for (const auto& size : b.at("sizes"))
                {
                    fmt::print("discretised grid {:g} deg: MAP {:.4f}, mean AUC {:.4f}\n",
                               size.at("cell_size_deg").get<double>(), size.at("map").get<double>(),
                               size.at("mean_auc").get<double>());
                }
            }
            writeJsonFile(results, *output);
            if (reportArgs->wanted())
            {
                collector.write(reportArgs->directory, results, scores);
            }
        });
    addPresenceAbsence(cmd);
    addPresenceOnlyEvaluation(*cmd);
    addGeoPriorEvaluation(*cmd);
    addGeoFeatureEvaluation(*cmd);
    addGeoBiasEvaluation(*cmd);
}

} // namespace geoinr::cli
