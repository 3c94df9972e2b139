// SPDX-License-Identifier: MIT
// `geoinr evaluate ranges`: score a checkpoint against expert range cells (MAP, mean AUC).
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/presence_absence_evaluation.h>
#include <geoinr/rasters/range_evaluation.h>

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
    auto* pa = cmd->add_subcommand(
        "presence-absence", "At surveyed sites (disdat test_pa.csv layout): per-species ROC-AUC "
                            "and AP, mean over species");
    pa->add_option("checkpoint", o->checkpoint, "checkpoint")->required();
    pa->add_option("--sites", o->sites,
                   "CSV: lon, lat, the model's table covariates, one 0/1/empty column per species")
        ->required();
    pa->add_option("-o,--output", *output, "write the JSON report here");
    pa->add_flag("-q,--quiet", *quiet, "no progress output");
    pa->callback(
        [o, output, quiet]
        {
            const auto report = rasters::evaluatePresenceAbsence(*o, makeTerminalProgress(*quiet));
            fmt::print("species evaluated: {} (skipped {})\nmean AUC: {:.4f}\nmean AP: {:.4f}\n",
                       report.at("species_evaluated").get<long>(),
                       report.at("species_skipped").get<long>(),
                       report.at("mean_auc").get<double>(), report.at("mean_ap").get<double>());
            writeJsonFile(report, *output);
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
    ranges->add_option("-o,--output", *output, "write the JSON report here");
    ranges->add_flag("-q,--quiet", *quiet, "no progress output");
    ranges->callback(
        [o, output, quiet]
        {
            const auto report = rasters::evaluateRanges(*o, makeTerminalProgress(*quiet));
            fmt::print("species evaluated: {}, cells: {}\nMAP: {:.4f}\nmean AUC: {:.4f}\n",
                       report.at("species_evaluated").get<long>(),
                       report.at("cells_evaluated").get<long>(), report.at("map").get<double>(),
                       report.at("mean_auc").get<double>());
            writeJsonFile(report, *output);
        });
    addPresenceAbsence(cmd);
    addPresenceOnlyEvaluation(*cmd);
    addGeoPriorEvaluation(*cmd);
    addGeoFeatureEvaluation(*cmd);
    addGeoBiasEvaluation(*cmd);
}

} // namespace geoinr::cli
