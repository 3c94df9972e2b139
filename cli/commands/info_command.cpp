// SPDX-License-Identifier: MIT
// `geoinr info CHECKPOINT`: what a checkpoint holds (verifies its checksum first).
#include "commands.h"

#include <geoinr/core/checkpoint_file.h>

#include <fmt/format.h>

#include <iostream>

namespace geoinr::cli
{
namespace
{

void printSummary(const nlohmann::json& h)
{
    const auto& model = h.at("model");
    const auto& meta = h.value("metadata", nlohmann::json::object());
    fmt::print("GeoINR checkpoint (software {})\n", h.value("software", nlohmann::json{}).dump());
    fmt::print("input:    {}\n", model.value("input", "coords"));
    if (model.contains("encoder"))
    {
        fmt::print("encoder:  {}\n", model.at("encoder").dump());
    }
    fmt::print("network:  {}\n", model.at("network").dump());
    fmt::print("classes:  {}\n", model.at("num_classes").get<long>());
    if (meta.contains("species"))
    {
        const auto& sp = meta.at("species");
        std::string first;
        for (std::size_t i = 0; i < sp.size() && i < 5; ++i)
        {
            first += (i ? ", " : "") + sp[i].get<std::string>();
        }
        fmt::print("species:  {} ({}{})\n", sp.size(), first, sp.size() > 5 ? ", ..." : "");
    }
    if (meta.contains("env_features") && !meta.at("env_features").empty())
    {
        fmt::print("covariates: {}\n", meta.at("env_features").dump());
    }
    if (meta.contains("training"))
    {
        fmt::print("training: {}\n", meta.at("training").dump());
    }
    if (meta.contains("training_state"))
    {
        fmt::print("state:    {}\n", meta.at("training_state").dump());
    }
    if (meta.contains("data"))
    {
        fmt::print("data:     {}\n", meta.at("data").dump());
    }
    if (meta.contains("pretraining"))
    {
        fmt::print("pretraining: {}\n", meta.at("pretraining").dump());
    }
}

} // namespace

void addInfoCommand(CLI::App& app)
{
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("info", "Describe a checkpoint (model, species, covariates, "
                                           "training settings and data)");
    cmd->add_option("checkpoint", *path, "checkpoint file")->required();
    cmd->add_flag("--json", *json, "print the whole header as JSON");
    cmd->callback(
        [path, json]
        {
            const auto contents = core::readCheckpointFile(*path, true);
            if (*json)
            {
                std::cout << contents.header.dump(2) << "\n";
                return;
            }
            printSummary(contents.header);
        });
}

} // namespace geoinr::cli
