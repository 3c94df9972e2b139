// SPDX-License-Identifier: MIT
#include "json_file.h"

#include <geoinr/core/text_file.h>

namespace geoinr::cli
{

void writeJsonFile(const nlohmann::json& value, const std::string& path)
{
    if (!path.empty())
    {
        core::writeTextFileAtomically(path, value.dump(2) + "\n");
    }
}

} // namespace geoinr::cli
