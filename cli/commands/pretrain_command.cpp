// SPDX-License-Identifier: MIT
// Placeholder: registered by app.cpp; filled in by its owner.
#include "commands.h"

namespace geoinr::cli
{

void addPretrainCommand(CLI::App& /*app*/) {}

} // namespace geoinr::cli
