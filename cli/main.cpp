// SPDX-License-Identifier: MIT
// geoinr: command line for training, evaluation and export. Parsing and exit codes only:
// 0 ok, 1 runtime failure, 2 usage error, 130 cancelled.
#include "app.h"
#include "commands/commands.h"

#include <geoinr/core/error.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"GeoINR: neural implicit species range models", "geoinr"};
    bool version = false;
    geoinr::cli::addAllCommands(app, version);
    try
    {
        app.parse(argc, argv);
        if (version)
        {
            std::cout << geoinr::cli::versionReport();
            return 0;
        }
        if (app.get_subcommands().empty())
        {
            std::cout << app.help();
            return 2;
        }
        return 0;
    }
    catch (const CLI::ParseError& e)
    {
        return app.exit(e);
    }
    catch (const geoinr::Cancelled& e)
    {
        fmt::print(stderr, "\ngeoinr: cancelled: {}\n", e.what());
        return 130;
    }
    catch (const geoinr::InvalidArgument& e)
    {
        fmt::print(stderr, "geoinr: error: {}\n", e.what());
        return 2;
    }
    catch (const std::exception& e)
    {
        fmt::print(stderr, "geoinr: error: {}\n", e.what());
        return 1;
    }
}
