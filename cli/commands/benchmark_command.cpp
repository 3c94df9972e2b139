// SPDX-License-Identifier: MIT
// Placeholder: registered by app.cpp / evaluate_command.cpp; filled in by its owner.
#include "commands.h"

namespace geoinr::cli
{

void addBenchmarkCommand(CLI::App& /*app*/) {}

} // namespace geoinr::cli
