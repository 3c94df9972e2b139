// SPDX-License-Identifier: MIT
// The provenance block every evaluate command adds to its JSON report: checkpoint and data file
// hashes (report::provenance), with the command's own file arguments cleaned up first.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace geoinr::cli
{

/**
 * report::provenance for `checkpoint` and the files among `arguments`: empty arguments are left
 * out and an archive member written `archive.npz:member` (or `/vsizip/...`) is recorded as its
 * archive file.
 */
nlohmann::json evaluationProvenance(const std::string& checkpoint,
                                    const std::vector<std::string>& arguments);

} // namespace geoinr::cli
