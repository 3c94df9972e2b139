// SPDX-License-Identifier: MIT
#include "provenance_arg.h"

#include <geoinr/report/provenance.h>

#include <filesystem>

namespace geoinr::cli
{
namespace
{

/** The file on disk behind an argument, or "" when there is none. */
std::string fileBehind(std::string path)
{
    const std::string vsizip = "/vsizip/";
    if (path.rfind(vsizip, 0) == 0)
    {
        path = path.substr(vsizip.size());
        if (!path.empty() && path.front() == '{')
        {
            path = path.substr(1, path.find('}') - 1);
        }
    }
    std::error_code ec;
    while (!path.empty() && !std::filesystem::is_regular_file(path, ec))
    {
        const auto cut = path.find_last_of(":/");
        if (cut == std::string::npos || cut == 0)
        {
            return {};
        }
        path = path.substr(0, cut); // drop ":member" or "/member.npy"
    }
    return path;
}

} // namespace

nlohmann::json evaluationProvenance(const std::string& checkpoint,
                                    const std::vector<std::string>& arguments)
{
    std::vector<std::string> files;
    for (const auto& a : arguments)
    {
        if (auto f = fileBehind(a); !f.empty())
        {
            files.push_back(f);
        }
    }
    return report::provenance(checkpoint, files, report::currentCommandLine());
}

} // namespace geoinr::cli
