// SPDX-License-Identifier: MIT
#include "json_file.h"

#include <geoinr/core/error.h>

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

namespace geoinr::cli
{

void writeJsonFile(const nlohmann::json& value, const std::string& path)
{
    if (path.empty())
    {
        return;
    }
    const auto tmp = path + ".tmp";
    std::ofstream(tmp) << value.dump(2) << "\n";
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        throw IoError(fmt::format("cannot write {}", path));
    }
}

} // namespace geoinr::cli
