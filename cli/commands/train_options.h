// SPDX-License-Identifier: MIT
// The options of `geoinr train` that define a training run (inputs, model, optimisation), shared
// with `geoinr cross-validate` so that the two commands cannot drift apart.
#pragma once

#include <geoinr/core/training.h>
#include <geoinr/rasters/training_inputs.h>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace geoinr::cli
{

/** What the shared options fill in; resolveTrainingArgs turns the strings into options. */
struct TrainingArgs
{
    rasters::TrainingInputOptions inputs;
    std::string resampling = "bilinear";
    std::string input = "coords";
    std::string encoder; ///< empty: wrap, or the --init-from checkpoint's encoder
    std::string network; ///< empty: residual_fcnet, or the --init-from checkpoint's network
    std::string pseudoAbsences = "sphere";
    std::vector<double> extent;
    core::TrainOptions options;
    bool quiet = false;
};

/** The positional occurrence file and the options saying how to read it and its covariates. */
void addTrainingInputOptions(CLI::App* cmd, TrainingArgs& args);

/** Model, loss, pseudo-absences, optimiser, seed, device, threads and -q. Not -o, --resume or
 *  the data-parallel options, which only `geoinr train` has. */
void addTrainingModelOptions(CLI::App* cmd, TrainingArgs& args);

/** Parses resampling, pseudo-absence kind, encoder/network JSON into args.options and
 *  args.inputs (with --init-from, an encoder/network not given is the pretrained one), and picks
 *  the default thread count. Throws InvalidArgument naming the option. */
void resolveTrainingArgs(TrainingArgs& args);

} // namespace geoinr::cli
