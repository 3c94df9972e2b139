// SPDX-License-Identifier: MIT
// geoinr: command line for training, evaluation and export. Parsing and exit codes only:
// 0 ok, 1 runtime failure, 2 usage error, 130 cancelled.
#include "commands/commands.h"

#include <geoinr/core/error.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"GeoINR: neural implicit species range models", "geoinr"};
    app.require_subcommand(0, 1);
    bool version = false;
    app.add_flag("--version", version, "print versions of GeoINR, LibTorch, BLAS, GDAL and PROJ");
    geoinr::cli::addEncodersCommand(app);
    geoinr::cli::addNetworksCommand(app);
    geoinr::cli::addTrainCommand(app);
    geoinr::cli::addPredictCommand(app);
    geoinr::cli::addMosaicCommand(app);
    geoinr::cli::addEvaluateCommand(app);
    geoinr::cli::addInfoCommand(app);
    geoinr::cli::addSphereFitCommand(app);
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
