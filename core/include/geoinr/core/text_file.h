// SPDX-License-Identifier: MIT
// Small text outputs (JSON results, .geoinr descriptors, reports) written so that a reader never
// sees half a file: to a temporary name beside the target, renamed when complete.
#pragma once

#include <string>

namespace geoinr::core
{

/**
 * Writes `text` to "<path>.tmp-<pid>" and renames it to `path`. Throws IoError naming the path
 * when it cannot be written (the temporary file is removed; an existing `path` is untouched).
 */
void writeTextFileAtomically(const std::string& path, const std::string& text);

} // namespace geoinr::core
