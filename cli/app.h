// SPDX-License-Identifier: MIT
// The geoinr command-line app: every subcommand registered on one CLI11 app (main() parses and
// maps exceptions to exit codes; the argument fuzzer parses without running anything).
#pragma once

#include <CLI/CLI.hpp>

namespace geoinr::cli
{

/** Adds --version (into `version`) and every subcommand to `app`. */
void addAllCommands(CLI::App& app, bool& version);

} // namespace geoinr::cli
