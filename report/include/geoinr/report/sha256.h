// SPDX-License-Identifier: MIT
// SHA-256 digests (lowercase hex) of files and byte strings, for report provenance.
#pragma once

#include <string>
#include <string_view>

namespace geoinr::report
{

/** SHA-256 of `bytes` as 64 lowercase hex digits. */
std::string sha256Hex(std::string_view bytes);

/**
 * SHA-256 of the file's bytes as 64 lowercase hex digits, read in chunks (memory does not grow
 * with the file). Throws IoError naming the path when it cannot be opened or read.
 */
std::string sha256OfFile(const std::string& path);

} // namespace geoinr::report
