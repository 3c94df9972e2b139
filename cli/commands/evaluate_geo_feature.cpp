// SPDX-License-Identifier: MIT
// Placeholder: registered by app.cpp / evaluate_command.cpp; filled in by its owner.
#include "commands.h"

namespace geoinr::cli
{

void addGeoFeatureEvaluation(CLI::App& /*evaluate*/) {}

} // namespace geoinr::cli
