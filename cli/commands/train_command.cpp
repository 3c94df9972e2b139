// SPDX-License-Identifier: MIT
// `geoinr train`: occurrences (+ covariates) -> a self-describing checkpoint.
#include "../terminal_progress.h"
#include "commands.h"
#include "json_arg.h"

#include <geoinr/core/error.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>
#include <geoinr/rasters/training_inputs.h>

#include <fmt/format.h>

#include <thread>

namespace geoinr::cli
{
namespace
{

struct TrainArgs
{
    rasters::TrainingInputOptions inputs;
    std::string resampling = "bilinear";
    std::string input = "coords";
    std::string encoder = "wrap";
    std::string network = "residual_fcnet";
    std::string pseudoAbsences = "sphere";
    std::vector<double> extent;
    std::string output;
    core::TrainOptions options;
    bool quiet = false;
};

void addInputOptions(CLI::App* cmd, TrainArgs& a)
{
    cmd->add_option("occurrences", a.inputs.occurrences,
                    "presence records: CSV/TSV (GBIF simple downloads work as they are) or any OGR "
                    "point layer")
        ->required();
    auto& o = a.inputs.occurrenceOptions;
    cmd->add_option("--species-column", o.speciesColumn, "species column (default: auto)");
    cmd->add_option("--lon-column", o.lonColumn, "longitude/x column (default: auto)");
    cmd->add_option("--lat-column", o.latColumn, "latitude/y column (default: auto)");
    cmd->add_option("--species", o.singleSpecies, "one species name for a file without species");
    cmd->add_option("--crs", o.sourceCrs, "CRS of the coordinates (EPSG code, WKT, PROJ)");
    cmd->add_option("--layer", o.layer, "OGR layer name");
    cmd->add_flag("--skip-invalid", o.skipInvalid, "skip and count bad rows instead of failing");
    cmd->add_option("--thin", a.inputs.thinCellDeg,
                    "keep one record per species and cell of this size (degrees)");
    cmd->add_option("--covariates", a.inputs.covariateRasters,
                    "covariate rasters or folders of GeoTIFFs (e.g. WorldClim bio1..bio19)");
    cmd->add_option("--table-covariates", a.inputs.tableCovariates,
                    "covariate columns of the occurrence table (and of --background)");
    cmd->add_option("--categorical", a.inputs.categorical, "covariates to one-hot encode");
    cmd->add_option("--background", a.inputs.backgroundFile,
                    "background points (same columns as the occurrences), e.g. disdat's "
                    "background.csv");
    cmd->add_option("--sampling", a.resampling,
                    "covariates at points: nearest, bilinear, "
                    "sinr_compat")
        ->capture_default_str();
    cmd->add_option("--grid-resolution", a.inputs.gridResolutionDeg,
                    "degrees of the covariate grid for random pseudo-absences (default: auto)");
}

void addModelOptions(CLI::App* cmd, TrainArgs& a)
{
    auto& t = a.options;
    cmd->add_option("-o,--output", a.output, "checkpoint to write")->required();
    cmd->add_option("--input", a.input, "network input: coords, env, env+coords")
        ->capture_default_str();
    cmd->add_option("--encoder", a.encoder, "encoder name or JSON (see geoinr encoders)")
        ->capture_default_str();
    cmd->add_option("--network", a.network, "network name or JSON (see geoinr networks)")
        ->capture_default_str();
    cmd->add_option("--loss", t.loss, "an_full, an_ssdl, an_slds, me_full, me_ssdl, me_slds, gp")
        ->capture_default_str();
    cmd->add_option("--pos-weight", t.positiveWeight, "positive weight lambda (full losses)")
        ->capture_default_str();
    cmd->add_option("--pseudo-absences", a.pseudoAbsences,
                    "sphere, valid_area, target_group, background")
        ->capture_default_str();
    cmd->add_option("--pseudo-absence-mask", a.inputs.pseudoAbsenceMask,
                    "raster: valid_area pseudo-absences only where it is non-zero");
    cmd->add_option("--pseudo-absence-extent", a.extent,
                    "lon_min lon_max lat_min lat_max for sphere/valid_area draws")
        ->expected(4);
    cmd->add_option("--epochs", t.epochs, "training epochs")->capture_default_str();
    cmd->add_option("--batch-size", t.batchSize, "presences per step")->capture_default_str();
    cmd->add_option("--lr", t.learningRate, "Adam learning rate")->capture_default_str();
    cmd->add_option("--lr-schedule", t.lrSchedule, "exponential, cosine or constant")
        ->capture_default_str();
    cmd->add_option("--lr-decay", t.lrDecay, "learning-rate factor per epoch (exponential)")
        ->capture_default_str();
    cmd->add_option("--weight-decay", t.weightDecay, "L2 weight decay")->capture_default_str();
    cmd->add_option("--cap", t.capPerSpecies, "keep at most this many records per species")
        ->capture_default_str();
    cmd->add_option("--seed", t.seed, "seed (initialisation, batches, pseudo-absences)")
        ->capture_default_str();
    cmd->add_option("--device", t.device, "cpu or cuda")->capture_default_str();
    cmd->add_option("--threads", t.threads,
                    "LibTorch threads (default: half the cores; OpenBLAS uses all of them)");
    cmd->add_option("--resume", t.resumeFrom, "continue a cancelled run from its checkpoint");
    cmd->add_flag("-q,--quiet", a.quiet, "no progress output");
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

void runTrain(TrainArgs& a)
{
    auto& t = a.options;
    a.inputs.resampling = rasters::parseResampling(a.resampling);
    t.pseudoAbsences = core::parsePseudoAbsenceKind(a.pseudoAbsences);
    t.pseudoAbsenceExtent = a.extent;
    t.model = {{"input", a.input},
               {"encoder", parseComponentArg(a.encoder, "--encoder")},
               {"network", parseComponentArg(a.network, "--network")}};
    if (t.threads == 0)
    {
        // OpenBLAS runs its own pool on every core for the GEMMs; LibTorch threads on top of it
        // oversubscribe: on 2 cores, 1 LibTorch thread trained 2x faster than 2 (README).
        t.threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency() / 2));
    }
    t.checkpointPath = a.output;
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
                                    report.stepsCompleted, a.output, a.output));
    }
    if (!leader)
    {
        return; // rank 0 wrote the checkpoint and reports
    }
    fmt::print("trained {} epochs ({} steps) in {:.1f} s, {:.0f} samples/s{}, final loss {:.4f}\n"
               "checkpoint: {}\n",
               report.epochsCompleted, report.stepsCompleted, report.seconds,
               report.samplesPerSecond, t.distributed.enabled() ? " on rank 0" : "",
               report.finalLoss, a.output);
}

} // namespace

void addTrainCommand(CLI::App& app)
{
    auto args = std::make_shared<TrainArgs>();
    args->options.distributed = core::distributedFromEnvironment();
    auto* cmd = app.add_subcommand(
        "train", "Train a range model from presence-only records (SINR-style) into a checkpoint");
    addInputOptions(cmd, *args);
    addModelOptions(cmd, *args);
    cmd->callback([args] { runTrain(*args); });
}

} // namespace geoinr::cli
