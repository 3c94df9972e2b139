// SPDX-License-Identifier: MIT
// `geoinr evaluate presence-only`: test presences vs background points (ENMeval's statistics).
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"
#include "provenance_arg.h"
#include "report_evaluate.h"

#include <geoinr/rasters/presence_only_evaluation.h>

#include <fmt/format.h>

#include <cmath>

namespace geoinr::cli
{
namespace
{

/** A number of the report, or NaN for null (undefined). */
double value(const nlohmann::json& report, const char* key)
{
    const auto& v = report.at(key);
    return v.is_number() ? v.get<double>() : NAN;
}

} // namespace

void addPresenceOnlyEvaluation(CLI::App& evaluate)
{
    auto o = std::make_shared<rasters::PresenceOnlyOptions>();
    auto output = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    auto reportArgs = std::make_shared<ReportArgs>();
    auto* cmd = evaluate.add_subcommand(
        "presence-only", "Test presences against background points (ENMeval statistics): "
                         "continuous Boyce index, AUC, omission at the MTP and 10th-percentile "
                         "training thresholds; per species and mean");
    cmd->add_option("checkpoint", o->checkpoint, "checkpoint")->required();
    cmd->add_option("--presences", o->presences,
                    "test presence records (CSV/TSV or OGR layer with a species column)")
        ->required();
    cmd->add_option("--train", o->train,
                    "training presence records: omission thresholds from the model's scores there "
                    "(default: the thresholds stored in the checkpoint)");
    auto* bg = cmd->add_option("--background", o->background,
                               "background points (e.g. disdat background.csv; with table "
                               "covariates it must have the model's columns)");
    cmd->add_option("--background-points", o->backgroundPoints,
                    "without --background: this many random points in the covariate rasters' "
                    "valid area, or in the presences' lon/lat box for coordinate-only models")
        ->capture_default_str()
        ->excludes(bg);
    cmd->add_option("--seed", o->seed, "seed of the random background points")
        ->capture_default_str();
    auto& read = o->occurrenceOptions;
    cmd->add_option("--species-column", read.speciesColumn, "species column (default: auto)");
    cmd->add_option("--lon-column", read.lonColumn, "longitude/x column (default: auto)");
    cmd->add_option("--lat-column", read.latColumn, "latitude/y column (default: auto)");
    cmd->add_option("--crs", read.sourceCrs, "CRS of the coordinates (EPSG code, WKT, PROJ)");
    cmd->add_flag("--skip-invalid", read.skipInvalid, "skip and count bad rows");
    cmd->add_option("-o,--output", *output, "write the JSON report here");
    cmd->add_flag("-q,--quiet", *quiet, "no progress output");
    addReportOptions(cmd, *reportArgs);
    cmd->callback(
        [o, output, quiet, reportArgs]
        {
            PresenceOnlyReportCollector collector(reportArgs->species);
            auto report = rasters::evaluatePresenceOnly(
                *o, makeTerminalProgress(*quiet),
                reportArgs->wanted() ? collector.sink() : rasters::PresenceOnlySpeciesSink());
            fmt::print(
                "species evaluated: {} ({} test records, {} background points)\n"
                "mean Boyce: {:.4f}\nmean AUC: {:.4f}\n"
                "mean omission at MTP: {:.4f}\nmean omission at 10th percentile: {:.4f}\n"
                "thresholds: {}\n",
                report.at("species_evaluated").get<long>(), report.at("test_records").get<long>(),
                report.at("background_points").get<long>(), value(report, "mean_boyce"),
                value(report, "mean_auc"), value(report, "mean_or_mtp"),
                value(report, "mean_or_10p"), report.at("threshold_source").get<std::string>());
            if (!output->empty() || reportArgs->wanted())
            {
                report["provenance"] =
                    evaluationProvenance(o->checkpoint, {o->presences, o->train, o->background});
            }
            writeJsonFile(report, *output);
            if (reportArgs->wanted())
            {
                collector.write(reportArgs->directory, report);
            }
        });
}

} // namespace geoinr::cli
