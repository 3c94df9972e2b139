// SPDX-License-Identifier: MIT
#include "app.h"

#include "commands/commands.h"

namespace geoinr::cli
{

void addAllCommands(CLI::App& app, bool& version)
{
    app.require_subcommand(0, 1);
    app.add_flag("--version", version, "print versions of GeoINR, LibTorch, BLAS, GDAL and PROJ");
    addEncodersCommand(app);
    addNetworksCommand(app);
    addTrainCommand(app);
    addPredictCommand(app);
    addMosaicCommand(app);
    addEvaluateCommand(app);
    addCrossValidateCommand(app);
    addPretrainCommand(app);
    addBenchmarkCommand(app);
    addInfoCommand(app);
    addSphereFitCommand(app);
}

} // namespace geoinr::cli
