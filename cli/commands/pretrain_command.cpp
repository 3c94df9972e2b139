// SPDX-License-Identifier: MIT
// `geoinr pretrain`: contrastive location-encoder pretraining (SatCLIP-style) against features
// observed at random locations (raster stack) or given per location (table) -> a checkpoint that
// `geoinr train --init-from` starts from.
#include "../terminal_progress.h"
#include "commands.h"
#include "json_arg.h"

#include <geoinr/core/error.h>
#include <geoinr/core/pretraining.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/rasters/pretraining_inputs.h>

#include <fmt/format.h>

#include <algorithm>

namespace geoinr::cli
{
namespace
{

struct PretrainArgs
{
    rasters::PretrainingInputOptions inputs;
    core::PretrainOptions options;
    std::string resampling = "bilinear";
    std::string preset = "l10";
    std::string encoder; ///< empty: the preset's
    std::string network; ///< empty: the preset's
    std::string featureNetwork;
    std::string output;
    bool quiet = false;
};

void addOptions(CLI::App* cmd, PretrainArgs& a)
{
    auto& o = a.options;
    auto& in = a.inputs;
    cmd->add_option("-o,--output", a.output, "checkpoint to write")->required();
    cmd->add_option("--covariates", in.rasters,
                    "feature rasters or folders of GeoTIFFs (e.g. WorldClim bio1..bio19), "
                    "sampled at random valid locations");
    cmd->add_option("--table", in.table,
                    "instead of rasters: CSV with lon, lat and one column per feature");
    cmd->add_option("--categorical", in.categorical, "raster covariates to one-hot encode");
    cmd->add_option("--locations", in.locations,
                    "random locations drawn (uniform by area over the valid pixels)")
        ->capture_default_str();
    cmd->add_option("--sampling", a.resampling, "rasters at points: nearest, bilinear")
        ->capture_default_str();
    cmd->add_option("--preset", a.preset,
                    "location encoder: l10 / l40 = SatCLIP's spherical harmonics L = 10 / 40 + "
                    "SIREN 256 x 2")
        ->capture_default_str();
    cmd->add_option("--encoder", a.encoder, "encoder name or JSON (replaces the preset's)");
    cmd->add_option("--network", a.network, "network name or JSON (replaces the preset's)");
    cmd->add_option("--embedding-dim", o.embeddingDim, "embedding size of both sides")
        ->capture_default_str();
    cmd->add_option("--feature-network", a.featureNetwork,
                    "network over the features (default: mlp, 256 wide, 2 hidden layers)");
    cmd->add_option("--epochs", o.epochs, "passes over the locations")->capture_default_str();
    cmd->add_option("--batch-size", o.batchSize, "locations per step (B x B similarities)")
        ->capture_default_str();
    cmd->add_option("--lr", o.learningRate, "Adam learning rate (constant)")->capture_default_str();
    cmd->add_option("--weight-decay", o.weightDecay, "L2 weight decay")->capture_default_str();
    cmd->add_option("--temperature", o.initialTemperature,
                    "initial softmax temperature (learned; logit scale clamped at 100)")
        ->capture_default_str();
    cmd->add_option("--seed", o.seed, "seed (locations, initialisation, batches)")
        ->capture_default_str();
    cmd->add_option("--device", o.device, "cpu or cuda")->capture_default_str();
    cmd->add_option("--threads", o.threads, "LibTorch threads (default: half the cores)");
    cmd->add_option("--resume", o.resumeFrom, "continue a cancelled run from its checkpoint");
    cmd->add_flag("-q,--quiet", a.quiet, "no progress output");
}

void resolve(PretrainArgs& a)
{
    auto& o = a.options;
    a.inputs.resampling = rasters::parseResampling(a.resampling);
    a.inputs.seed = o.seed;
    o.model = core::pretrainPresetModel(a.preset);
    if (!a.encoder.empty())
    {
        o.model["encoder"] = parseComponentArg(a.encoder, "--encoder");
    }
    if (!a.network.empty())
    {
        o.model["network"] = parseComponentArg(a.network, "--network");
    }
    if (!a.featureNetwork.empty())
    {
        o.featureNetwork = parseComponentArg(a.featureNetwork, "--feature-network");
    }
    o.checkpointPath = a.output;
    if (o.threads == 0)
    {
        o.threads = core::defaultTrainingThreads(); // as `geoinr train`
    }
}

void runPretrain(PretrainArgs& a)
{
    resolve(a);
    core::reuseLargeAllocations();
    auto progress = makeTerminalProgress(a.quiet);
    auto inputs = rasters::preparePretrainingInputs(a.inputs);
    auto& o = a.options;
    if (!a.quiet)
    {
        fmt::print(stderr,
                   "{} locations x {} features; pretraining {} epochs on {} with {} "
                   "thread(s)\n",
                   inputs.data.size(), inputs.data.featureNames.size(), o.epochs, o.device,
                   o.threads);
    }
    o.metadata = {{"data", inputs.summary}, {"pretraining_features", inputs.features}};
    const auto report = core::pretrainLocationEncoder(inputs.data, o, progress);
    if (report.cancelled)
    {
        throw Cancelled(fmt::format("stopped after {} steps; resumable checkpoint written to {} "
                                    "(continue with --resume {})",
                                    report.stepsCompleted, a.output, a.output));
    }
    fmt::print("pretrained {} epochs ({} steps) in {:.1f} s, {:.0f} locations/s, InfoNCE loss "
               "{:.4f} (first step {:.4f}), logit scale {:.1f}\ncheckpoint: {}\n",
               report.epochsCompleted, report.stepsCompleted, report.seconds,
               report.samplesPerSecond, report.finalLoss, report.firstLoss, report.logitScale,
               a.output);
}

} // namespace

void addPretrainCommand(CLI::App& app)
{
    auto args = std::make_shared<PretrainArgs>();
    auto* cmd = app.add_subcommand(
        "pretrain", "Pretrain a location encoder contrastively against features observed at "
                    "each location (SatCLIP-style; e.g. WorldClim), for `train --init-from`");
    addOptions(cmd, *args);
    cmd->callback([args] { runPretrain(*args); });
}

} // namespace geoinr::cli
