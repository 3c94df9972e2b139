// SPDX-License-Identifier: MIT
// Registration of the geoinr subcommands. Each adds itself to the CLI11 app; its callback runs
// the work and throws geoinr::Error on failure (main maps errors to exit codes).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace geoinr::cli
{

void addEncodersCommand(CLI::App& app);
void addNetworksCommand(CLI::App& app);
void addSphereFitCommand(CLI::App& app);
void addTrainCommand(CLI::App& app);
void addInfoCommand(CLI::App& app);
void addPredictCommand(CLI::App& app);
void addMosaicCommand(CLI::App& app);
void addEvaluateCommand(CLI::App& app);
void addBenchmarkCommand(CLI::App& app);
void addCrossValidateCommand(CLI::App& app);
void addPretrainCommand(CLI::App& app);

// Subcommands of `geoinr evaluate`, one file each (evaluate_*.cpp).
void addGeoBiasEvaluation(CLI::App& evaluate);
void addGeoPriorEvaluation(CLI::App& evaluate);
void addGeoFeatureEvaluation(CLI::App& evaluate);
void addPresenceOnlyEvaluation(CLI::App& evaluate);

/** Multi-line version report: GeoINR, LibTorch, BLAS, threads, CUDA, GDAL, PROJ. */
std::string versionReport();

} // namespace geoinr::cli
