// SPDX-License-Identifier: MIT
// Parsing of --encoder / --network values: a JSON object or a bare component name.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace geoinr::cli
{

/** '{"name": "siren", ...}' or 'siren' -> JSON object; throws InvalidArgument naming `option`. */
nlohmann::json parseComponentArg(const std::string& text, const std::string& option);

} // namespace geoinr::cli
