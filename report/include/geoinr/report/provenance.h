// SPDX-License-Identifier: MIT
// Where a result came from: the checkpoint and data files (size, SHA-256), the seed and training
// settings stored in the checkpoint, the GeoINR version and the time. Every evaluate command adds
// this block to its JSON output so that a number can be traced to its exact inputs.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace geoinr::report
{

/** {"path", "bytes", "sha256"} of a file. Throws IoError naming the path when unreadable. */
nlohmann::json fileRecord(const std::string& path);

/** Current UTC time as ISO 8601 with seconds, e.g. "2024-05-01T12:34:56Z". */
std::string utcTimestamp();

/**
 * The provenance block of an evaluation:
 *   {"geoinr_version", "command_line" (only when given), "created" (utcTimestamp()),
 *    "checkpoint": {path, bytes, sha256, "seed", "training" (metadata.training: loss, epochs,
 *                   learning rate, seed, ...), "model" (encoder/network configuration),
 *                   "species" (count)},
 *    "data": [{path, bytes, sha256}, ...]}
 * Empty entries of `dataFiles` (an optional input that was not given) are skipped. Throws
 * IoError / CheckpointError naming the file when a file is missing or the checkpoint is invalid.
 */
nlohmann::json provenance(const std::string& checkpoint, const std::vector<std::string>& dataFiles,
                          const std::string& commandLine = {});

/** `argv` joined with spaces, arguments holding spaces or quotes single-quoted (for display). */
std::string joinCommandLine(int argc, const char* const* argv);

/** This process's command line (from /proc/self/cmdline, as joinCommandLine quotes it), or ""
 *  where the system does not provide it. Lets a subcommand record it without argv. */
std::string currentCommandLine();

} // namespace geoinr::report
