// SPDX-License-Identifier: MIT
// `geoinr encoders` and `geoinr networks`: list components with hyperparameters and defaults.
#include "commands.h"

#include <geoinr/core/encoder_catalog.h>

#include <fmt/format.h>

#include <iostream>

namespace geoinr::cli
{
namespace
{

std::string defaultText(const nlohmann::json& v)
{
    return v.is_null() ? "(none)" : v.dump();
}

void printComponent(const core::ComponentInfo& info, const std::string& dimText)
{
    fmt::print("{}{}\n  {}\n  ref: {}\n", info.name, dimText, info.description, info.reference);
    for (const auto& p : info.params)
    {
        fmt::print("    {:<24} default {:<26} {}\n", p.name, defaultText(p.defaultValue), p.doc);
    }
}

nlohmann::json encoderJson(const core::ComponentInfo& info)
{
    auto j = core::describeComponent(info);
    j["output_dim"] = core::encoderOutputDim({{"name", info.name}});
    return j;
}

} // namespace

void addEncodersCommand(CLI::App& app)
{
    auto* cmd = app.add_subcommand(
        "encoders", "List location encoders with hyperparameters, defaults and output dimension");
    auto json = std::make_shared<bool>(false);
    auto config = std::make_shared<std::string>();
    cmd->add_flag("--json", *json, "machine-readable array, one object per encoder");
    cmd->add_option("--config", *config,
                    "resolve one encoder configuration (JSON) and print it with its output "
                    "dimension, e.g. '{\"name\":\"sphere_c\",\"frequency_num\":8}'");
    cmd->callback(
        [json, config]
        {
            if (!config->empty())
            {
                nlohmann::json given;
                try
                {
                    given = nlohmann::json::parse(*config);
                }
                catch (const nlohmann::json::exception&
                           e) // parse_error, and out_of_range for huge numbers
                {
                    throw CLI::ValidationError("--config",
                                               std::string("invalid JSON: ") + e.what());
                }
                auto resolved = core::resolveEncoderConfig(given);
                const nlohmann::json out = {{"config", resolved},
                                            {"output_dim", core::encoderOutputDim(resolved)}};
                std::cout << out.dump(*json ? -1 : 2) << "\n";
                return;
            }
            if (*json)
            {
                nlohmann::json all = nlohmann::json::array();
                for (const auto& info : core::encoderCatalog())
                {
                    all.push_back(encoderJson(info));
                }
                for (const auto& info : core::importedEncoderCatalog())
                {
                    auto j = core::describeComponent(info);
                    j["output_dim"] = nullptr; // read from the file (--config with its path)
                    j["imported"] = true;
                    all.push_back(j);
                }
                std::cout << all.dump(2) << "\n";
                return;
            }
            for (const auto& info : core::encoderCatalog())
            {
                printComponent(info, fmt::format(" ({} dims with defaults)",
                                                 core::encoderOutputDim({{"name", info.name}})));
            }
            for (const auto& info : core::importedEncoderCatalog())
            {
                printComponent(info, " (imported: needs \"path\"; dims read from the file)");
            }
        });
}

void addNetworksCommand(CLI::App& app)
{
    auto* cmd = app.add_subcommand("networks", "List networks with hyperparameters and defaults");
    auto json = std::make_shared<bool>(false);
    cmd->add_flag("--json", *json, "machine-readable array, one object per network");
    cmd->callback(
        [json]
        {
            if (*json)
            {
                nlohmann::json all = nlohmann::json::array();
                for (const auto& info : core::networkCatalog())
                {
                    all.push_back(core::describeComponent(info));
                }
                std::cout << all.dump(2) << "\n";
                return;
            }
            for (const auto& info : core::networkCatalog())
            {
                printComponent(info, "");
            }
        });
}

} // namespace geoinr::cli
