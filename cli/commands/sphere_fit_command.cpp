// SPDX-License-Identifier: MIT
// `geoinr sphere-fit`: train encoder + network on the checkerboard of Russwurm et al. 2024 and
// report accuracy; `--families` runs one small model per encoder family (the demo job).
#include "../json_file.h"
#include "../terminal_progress.h"
#include "commands.h"
#include "json_arg.h"

#include <geoinr/core/error.h>
#include <geoinr/core/sphere_fit.h>

#include <fmt/format.h>

#include <chrono>
#include <iostream>

namespace geoinr::cli
{
namespace
{

struct SphereFitArgs
{
    std::string encoder = R"({"name":"spherical_harmonics","L":15})";
    std::string network = R"({"name":"siren","hidden_dim":128,"num_layers":1})";
    core::SphereFitOptions options;
    bool families = false;
    bool quiet = false;
    std::string jsonOut;
};

/** One small model per encoder family, each with settings from the [SH] checkerboard configs. */
std::vector<std::pair<nlohmann::json, nlohmann::json>> familyRuns()
{
    const nlohmann::json fcnet = {
        {"name", "residual_fcnet"}, {"hidden_dim", 128}, {"num_blocks", 2}, {"dropout", 0.0}};
    const nlohmann::json siren = {{"name", "siren"}, {"hidden_dim", 128}, {"num_layers", 1}};
    return {
        {{{"name", "wrap"}}, fcnet},
        {{{"name", "xyz"}}, fcnet},
        {{{"name", "nerf"}, {"frequency_num", 4}}, fcnet},
        {{{"name", "space2vec_theory"}, {"frequency_num", 16}, {"min_radius", 10}}, fcnet},
        {{{"name", "sphere_c_plus"}, {"frequency_num", 16}, {"min_radius", 0.05}}, fcnet},
        {{{"name", "rff"}, {"num_features", 256}, {"kernel_size", 16}}, fcnet},
        {{{"name", "rbf"}, {"num_anchors", 400}, {"sigma_deg", 8}}, fcnet},
        {{{"name", "tile"}, {"cell_size_deg", 5}, {"use_ffn", false}, {"embed_dim", 32}}, fcnet},
        {{{"name", "spherical_harmonics"}, {"L", 15}}, siren},
    };
}

nlohmann::json runOne(core::SphereFitOptions o, const nlohmann::json& enc,
                      const nlohmann::json& net, bool quiet)
{
    o.encoder = enc;
    o.network = net;
    const auto start = std::chrono::steady_clock::now();
    const auto r = core::runSphereFit(o, makeTerminalProgress(quiet));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {{"encoder", r.modelConfig.at("encoder")},
            {"network", r.modelConfig.at("network")},
            {"encoder_dim", r.encoderDim},
            {"parameters", r.numParameters},
            {"epochs", o.epochs},
            {"train_accuracy", r.trainAccuracy},
            {"test_accuracy", r.testAccuracy},
            {"final_loss", r.finalLoss},
            {"seconds", secs}};
}

} // namespace

void addSphereFitCommand(CLI::App& app)
{
    auto args = std::make_shared<SphereFitArgs>();
    auto* cmd = app.add_subcommand(
        "sphere-fit",
        "Fit the 16-class checkerboard on the sphere (Russwurm et al. 2024) and report accuracy");
    cmd->add_option("--encoder", args->encoder, "encoder name or JSON configuration")
        ->capture_default_str();
    cmd->add_option("--network", args->network, "network name or JSON configuration")
        ->capture_default_str();
    cmd->add_option("--epochs", args->options.epochs, "training epochs")->capture_default_str();
    cmd->add_option("--batch-size", args->options.batchSize, "batch size")->capture_default_str();
    cmd->add_option("--lr", args->options.learningRate, "Adam learning rate")
        ->capture_default_str();
    cmd->add_option("--samples", args->options.numSamples, "training points")
        ->capture_default_str();
    cmd->add_option("--seed", args->options.seed, "initialisation and shuffling seed")
        ->capture_default_str();
    cmd->add_option("--device", args->options.device, "cpu or cuda")->capture_default_str();
    cmd->add_flag("--families", args->families,
                  "run one small model per encoder family instead of --encoder/--network");
    cmd->add_option("--json", args->jsonOut, "also write the results as JSON to this file");
    cmd->add_flag("-q,--quiet", args->quiet, "no progress output");
    cmd->callback(
        [args]
        {
            std::vector<std::pair<nlohmann::json, nlohmann::json>> runs;
            if (args->families)
            {
                runs = familyRuns();
            }
            else
            {
                runs.emplace_back(parseComponentArg(args->encoder, "--encoder"),
                                  parseComponentArg(args->network, "--network"));
            }
            nlohmann::json results = nlohmann::json::array();
            fmt::print("{:<22} {:<16} {:>6} {:>9} {:>8} {:>8} {:>7}\n", "encoder", "network",
                       "dims", "params", "train", "test", "secs");
            for (const auto& [enc, net] : runs)
            {
                auto r = runOne(args->options, enc, net, args->quiet);
                fmt::print("{:<22} {:<16} {:>6} {:>9} {:>7.1f}% {:>7.1f}% {:>7.1f}\n",
                           r["encoder"]["name"].get<std::string>(),
                           r["network"]["name"].get<std::string>(), r["encoder_dim"].get<long>(),
                           r["parameters"].get<long>(), 100.0 * r["train_accuracy"].get<double>(),
                           100.0 * r["test_accuracy"].get<double>(), r["seconds"].get<double>());
                std::fflush(stdout);
                results.push_back(r);
            }
            writeJsonFile(results, args->jsonOut);
        });
}

} // namespace geoinr::cli
