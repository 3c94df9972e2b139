// SPDX-License-Identifier: MIT
#include "json_arg.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

namespace geoinr::cli
{

nlohmann::json parseComponentArg(const std::string& text, const std::string& option)
{
    if (text.find_first_of("{}[]\":") == std::string::npos)
    {
        return {{"name", text}}; // a bare name such as `--encoder xyz`
    }
    try
    {
        auto j = nlohmann::json::parse(text);
        if (!j.is_object())
        {
            throw InvalidArgument(fmt::format("{}: expected a JSON object, got {}", option, text));
        }
        return j;
    }
    catch (const nlohmann::json::exception& e) // parse_error, and out_of_range for huge numbers
    {
        throw InvalidArgument(fmt::format("{}: invalid JSON '{}': {}", option, text, e.what()));
    }
}

} // namespace geoinr::cli
