// SPDX-License-Identifier: MIT
// Writing a command's JSON results atomically (core::writeTextFileAtomically).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace geoinr::cli
{

/** Does nothing for an empty path; throws IoError naming the path when it cannot be written. */
void writeJsonFile(const nlohmann::json& value, const std::string& path);

} // namespace geoinr::cli
