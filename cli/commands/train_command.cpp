// SPDX-License-Identifier: MIT
// `geoinr train`: occurrences (+ covariates) -> a self-describing checkpoint.
#include "../terminal_progress.h"
#include "commands.h"
#include "train_options.h"

#include <geoinr/core/error.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>
#include <geoinr/rasters/training_inputs.h>

#include <fmt/format.h>

namespace geoinr::cli
{
namespace
{

/** The shared training options plus what only `train` has: its output, --resume, data-parallel
 *  training. */
struct TrainArgs
{
    TrainingArgs training;
    std::string output;
};

void addTrainOnlyOptions(CLI::App* cmd, TrainArgs& a)
{
    auto& t = a.training.options;
    cmd->add_option("-o,--output", a.output, "checkpoint to write")->required();
    cmd->add_option("--resume", t.resumeFrom, "continue a cancelled run from its checkpoint");
    // Data-parallel training: defaults come from the launcher's environment (torchrun, Slurm).
    auto& d = t.distributed;
    cmd->add_option("--world-size", d.worldSize,
                    "processes training together (default: $WORLD_SIZE or $SLURM_NTASKS, else 1)")
        ->capture_default_str();
    cmd->add_option("--rank", d.rank, "this process's rank (default: $RANK or $SLURM_PROCID)")
        ->capture_default_str();
    cmd->add_option("--master-addr", d.masterAddr, "rank 0's host (default: $MASTER_ADDR)")
        ->capture_default_str();
    cmd->add_option("--master-port", d.masterPort, "rank 0's TCP port (default: $MASTER_PORT)")
        ->capture_default_str();
    cmd->add_option("--dist-timeout", d.timeoutSeconds,
                    "seconds before a silent rank fails the others (default: "
                    "$GEOINR_DIST_TIMEOUT)")
        ->capture_default_str();
}

void runTrain(TrainArgs& args)
{
    auto& a = args.training;
    auto& t = a.options;
    resolveTrainingArgs(a);
    t.checkpointPath = args.output;
    core::validateDistributed(t.distributed);
    const bool leader = t.distributed.rank == 0;
    a.quiet = a.quiet || !leader; // one progress bar: rank 0's
    a.inputs.shardIndex = t.distributed.rank;
    a.inputs.shardCount = t.distributed.worldSize;
    core::reuseLargeAllocations();
    auto progress = makeTerminalProgress(a.quiet);
    if (!a.quiet)
    {
        fmt::print(stderr, "Preparing inputs from {}\n", a.inputs.occurrences);
    }
    auto inputs = rasters::prepareTrainingInputs(a.inputs);
    if (!a.quiet)
    {
        fmt::print(stderr,
                   "{} records of {} species, {} covariates; training {} epochs on {} "
                   "with {} thread(s)\n",
                   inputs.data.size(), inputs.data.speciesNames.size(), inputs.data.envNames.size(),
                   t.epochs, t.device, t.threads);
    }
    t.metadata = {{"covariates", inputs.covariates}, {"data", inputs.summary}};
    const auto report = core::trainRangeModel(
        inputs.data, t, inputs.background.size() > 0 ? &inputs.background : nullptr,
        inputs.grid.channels > 0 ? &inputs.grid : nullptr, progress);
    if (report.cancelled)
    {
        throw Cancelled(fmt::format("stopped after {} steps; resumable checkpoint written to {} "
                                    "(continue with --resume {})",
                                    report.stepsCompleted, args.output, args.output));
    }
    if (!leader)
    {
        return; // rank 0 wrote the checkpoint and reports
    }
    fmt::print("trained {} epochs ({} steps) in {:.1f} s, {:.0f} samples/s{}, final loss {:.4f}\n"
               "checkpoint: {}\n",
               report.epochsCompleted, report.stepsCompleted, report.seconds,
               report.samplesPerSecond, t.distributed.enabled() ? " on rank 0" : "",
               report.finalLoss, args.output);
}

} // namespace

void addTrainCommand(CLI::App& app)
{
    auto args = std::make_shared<TrainArgs>();
    args->training.options.distributed = core::distributedFromEnvironment();
    auto* cmd = app.add_subcommand(
        "train", "Train a range model from presence-only records (SINR-style) into a checkpoint");
    addTrainingInputOptions(cmd, args->training);
    addTrainOnlyOptions(cmd, *args);
    addTrainingModelOptions(cmd, args->training);
    cmd->callback([args] { runTrain(*args); });
}

} // namespace geoinr::cli
